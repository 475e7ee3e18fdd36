/**
 * @module OpenAI `reasoning_effort` → Gemini `generationConfig.thinkingConfig`.
 *
 * Gemini returns its thought summaries (which become `reasoning_content`) only when asked with `includeThoughts`,
 * so an effort other than `none` asks for them. The budgets are the ones Google's own OpenAI-compatible endpoint uses
 * (low 1K, medium 8K, high 24K, none 0); `minimal` gets 512, the smallest budget every 2.5 model accepts.
 * `thinkingBudget` rather than Gemini 3's `thinkingLevel` is sent because Gemini 3 still accepts it and the adapter
 * does not know the model generation. A model that cannot honour a budget (e.g. 2.5 Pro with 0) answers with a 400,
 * which the client sees.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 */
import type { GeminiThinkingConfig } from './api-request.js';

const BUDGETS: Readonly<Record<string, number>> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24_576 };

/** What a `reasoning_effort` adds to the generation config. */
export interface GeminiThinkingSettings {
  thinkingConfig?: GeminiThinkingConfig;
  /** `reasoning_effort` when its value is not one this mapping knows. */
  warnings: string[];
}

/** The thinking config for a `reasoning_effort` (not part of the typed request schema, hence `unknown`). */
export function convertGeminiReasoningEffort(effort: unknown): GeminiThinkingSettings {
  if (effort === undefined || effort === null) return { warnings: [] };
  if (typeof effort !== 'string' || !Object.hasOwn(BUDGETS, effort)) return { warnings: ['reasoning_effort'] };
  const thinkingBudget = BUDGETS[effort] ?? 0;
  if (thinkingBudget === 0) return { thinkingConfig: { thinkingBudget }, warnings: [] };
  return { thinkingConfig: { thinkingBudget, includeThoughts: true }, warnings: [] };
}
