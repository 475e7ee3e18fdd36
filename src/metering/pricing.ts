/**
 * @module What a request cost, from the catalog's list prices and the provider's reported token counts.
 */
import type { Usage } from '../core/chat-response.js';
import type { ModelPricing } from '../config/types.js';

/** Costs are kept to a billionth of a dollar, finer than the ledger's required cent-millionth. */
const PRECISION = 1e9;

/** The prompt tokens of `usage` by what they are billed as; each part at most what is left of the prompt. */
interface PromptParts {
  input: number;
  cacheReads: number;
  cacheWrites5m: number;
  cacheWrites1h: number;
}

function promptParts(usage: Usage): PromptParts {
  const details = usage.prompt_tokens_details;
  const cacheReads = Math.min(details?.cached_tokens ?? 0, usage.prompt_tokens);
  const cacheWrites = Math.min(details?.cache_write_tokens ?? 0, usage.prompt_tokens - cacheReads);
  const cacheWrites1h = Math.min(details?.cache_write_1h_tokens ?? 0, cacheWrites);
  return { input: usage.prompt_tokens - cacheReads - cacheWrites, cacheReads, cacheWrites5m: cacheWrites - cacheWrites1h, cacheWrites1h };
}

/**
 * USD for `usage` at `pricing`. Prompt tokens read from the provider's cache are charged at the cached-input price,
 * those written to it at the cache-write price (five-minute writes) or the one-hour cache-write price, where the
 * catalog has them; a price it lacks is the input price. Reasoning tokens are already inside `completion_tokens` and
 * are charged as output.
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching#pricing
 */
export function costUsd(usage: Usage, pricing: ModelPricing): number {
  const parts = promptParts(usage);
  const input = pricing.input_per_million;
  const dollars =
    (parts.input * input +
      parts.cacheReads * (pricing.cached_input_per_million ?? input) +
      parts.cacheWrites5m * (pricing.cache_write_per_million ?? input) +
      parts.cacheWrites1h * (pricing.cache_write_1h_per_million ?? input) +
      usage.completion_tokens * pricing.output_per_million) /
    1e6;
  return Math.round(dollars * PRECISION) / PRECISION;
}

/**
 * USD a prompt of `promptTokens` and an answer of `completionTokens` can cost at most: every prompt token at the
 * highest price a prompt token has (a cache write costs more than plain input), for spend-cap reservations.
 */
export function costBoundUsd(promptTokens: number, completionTokens: number, pricing: ModelPricing): number {
  const promptPrice = Math.max(pricing.input_per_million, pricing.cache_write_per_million ?? 0, pricing.cache_write_1h_per_million ?? 0);
  const dollars = (promptTokens * promptPrice + completionTokens * pricing.output_per_million) / 1e6;
  return Math.round(dollars * PRECISION) / PRECISION;
}

/** The usage as returned to clients: counts plus `cost_usd`. */
export function withCost(usage: Usage, pricing: ModelPricing): Usage {
  return { ...usage, cost_usd: costUsd(usage, pricing) };
}
