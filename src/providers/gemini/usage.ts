/**
 * @module Gemini `usageMetadata` → OpenAI usage.
 *
 * Gemini counts tool-use prompt tokens (e.g. search results fed back to the model) apart from `promptTokenCount`,
 * and thinking tokens apart from `candidatesTokenCount`; OpenAI folds both into its prompt and completion counts so
 * that `total = prompt + completion`. `promptTokenCount` already includes cached-content tokens, so those are only
 * reported as a detail. `totalTokenCount` is not read: the sum of the two parts is the total by definition.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
import type { Usage } from '../../core/chat-response.js';
import type { GeminiUsageMetadata } from './api-response.js';

/** Converts one (cumulative) usage snapshot. Missing counts are zero. */
export function convertGeminiUsage(meta: GeminiUsageMetadata): Usage {
  const thoughts = meta.thoughtsTokenCount ?? 0;
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const completion = (meta.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

/** Whether a snapshot carries any token count (Vertex sends `usageMetadata` with only `trafficType` mid-stream). */
export function hasGeminiTokenCounts(meta: GeminiUsageMetadata): boolean {
  return Object.values(meta).some((value) => value !== undefined);
}
