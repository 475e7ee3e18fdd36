/**
 * @module The one place that knows every adapter. Core code asks for an adapter by wire format.
 */
import { anthropicAdapter } from './anthropic/index.js';
import { geminiAdapter } from './gemini/index.js';
import { openAIAdapter } from './openai/index.js';
import type { ProviderAdapter, WireFormat } from './types.js';

const adapters: Record<WireFormat, ProviderAdapter> = {
  openai: openAIAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};

/** The adapter that speaks `format`. */
export function adapterFor(format: WireFormat): ProviderAdapter {
  return adapters[format];
}
