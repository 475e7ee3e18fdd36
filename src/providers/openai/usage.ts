/**
 * @module OpenAI-format usage → the gateway's Usage.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
import type { Usage } from '../../core/chat-response.js';
import { isRecord } from '../../core/guards.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Normalises an upstream `usage` object; `undefined` when there is none. */
export function convertOpenAIUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = count(raw.prompt_tokens);
  const completion = count(raw.completion_tokens);
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (isRecord(raw.prompt_tokens_details)) {
    usage.prompt_tokens_details = { cached_tokens: count(raw.prompt_tokens_details.cached_tokens) };
  }
  if (isRecord(raw.completion_tokens_details)) {
    usage.completion_tokens_details = { reasoning_tokens: count(raw.completion_tokens_details.reasoning_tokens) };
  }
  return usage;
}
