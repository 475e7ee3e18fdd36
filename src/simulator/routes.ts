/**
 * @module URL routing: provider ids are path prefixes so that one port serves every simulated upstream, e.g.
 * `/groq/v1/chat/completions`, `/anthropic/v1/messages`, `/google/v1beta/models/gemini-2.5-flash:generateContent`.
 */

import { anthropicFormat } from './anthropic-format.js';
import { geminiFormat } from './gemini-format.js';
import { OPENAI_COMPATIBLE_PROVIDERS, openAIFormat } from './openai-format.js';
import type { RouteInfo, SimulatedFormat } from './wire-format.js';

/** A matched provider endpoint: which wire format answers it, and what the URL says. */
export interface ProviderRoute extends RouteInfo {
  format: SimulatedFormat;
}

const FIXED_ROUTES: ReadonlyMap<string, { provider: string; format: SimulatedFormat }> = new Map([
  ...OPENAI_COMPATIBLE_PROVIDERS.map((provider) => [`/${provider}/v1/chat/completions`, { provider, format: openAIFormat }] as const),
  ['/anthropic/v1/messages', { provider: 'anthropic', format: anthropicFormat }],
]);

/** `/google/{v1beta|v1}/models/{model}:{generateContent|streamGenerateContent}` */
const GEMINI_PATH = /^\/google\/v1(?:beta)?\/models\/([^/]+):(generateContent|streamGenerateContent)$/;

/** The model named in a matched Gemini path, percent-decoded; undefined when its encoding is malformed. */
export function geminiPathModel(match: RegExpExecArray): string | undefined {
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    return undefined;
  }
}

/** Finds the provider endpoint for a POST, or `undefined` (the caller answers 404). */
export function matchProviderRoute(method: string, path: string, query: URLSearchParams): ProviderRoute | undefined {
  if (method !== 'POST') return undefined;
  const fixed = FIXED_ROUTES.get(path);
  if (fixed !== undefined) return { ...fixed, pathModel: undefined, pathStream: false, query };
  const gemini = GEMINI_PATH.exec(path);
  const model = gemini === null ? undefined : geminiPathModel(gemini);
  if (gemini === null || model === undefined) return undefined;
  return {
    provider: 'google',
    format: geminiFormat,
    pathModel: model,
    pathStream: gemini[2] === 'streamGenerateContent',
    query,
  };
}
