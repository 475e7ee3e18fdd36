/**
 * @module Settling: the one place a finished request's usage and cost are decided, so the usage the client is sent
 * (`usage` in the answer, the stream's usage chunk or final event) and the ledger row are the same numbers.
 *
 * The provider's own counts win. When an upstream reports none (several OpenAI-compatible servers omit `usage`,
 * Gemini's embedding API never sends token counts, a stream cut before its usage event), the gateway counts the
 * prompt and the output it saw with the bounded tokenizer and marks the usage as estimated; the ledger row says so.
 */
import type { ModelPricing } from '../config/types.js';
import type { Usage } from '../core/chat-response.js';
import { costUsd } from './pricing.js';

/** A request's usage as billed: counts with `cost_usd` set, and whether the gateway had to count them itself. */
export interface SettledUsage {
  readonly usage: Usage;
  /** True when the upstream reported no usage and the counts are the gateway's (bounded tokenizer) estimate. */
  readonly estimated: boolean;
}

/** How to count a request's tokens when the upstream reported none: each is called only then. */
export interface UsageFallback {
  promptTokens(): number;
  outputTokens(): number;
}

/** The billed usage: the upstream's `reported` counts priced, else the fallback's counts priced and marked estimated. */
export function settleUsage(reported: Usage | undefined, fallback: UsageFallback, pricing: ModelPricing): SettledUsage {
  if (reported !== undefined) return { usage: priced(reported, pricing), estimated: false };
  const prompt = fallback.promptTokens();
  const completion = fallback.outputTokens();
  return { usage: priced({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }, pricing), estimated: true };
}

/**
 * What a request pays for output the provider generated but the gateway refused to relay (an answer over the size
 * cap): the prompt as admission measured it, and the output counted from the bytes that arrived. Estimated.
 */
export function settleUnrelayed(promptTokens: number, outputTokens: number, pricing: ModelPricing): SettledUsage {
  const usage = { prompt_tokens: promptTokens, completion_tokens: outputTokens, total_tokens: promptTokens + outputTokens };
  return { usage: priced(usage, pricing), estimated: true };
}

/** The usage with its cost at `pricing`. */
export function priced(usage: Usage, pricing: ModelPricing): Usage {
  return { ...usage, cost_usd: costUsd(usage, pricing) };
}
