/**
 * @module What a request cost, from the catalog's list prices and the provider's reported token counts.
 */
import type { Usage } from '../core/chat-response.js';
import type { ModelPricing } from '../config/types.js';

/** Costs are kept to a billionth of a dollar, finer than the ledger's required cent-millionth. */
const PRECISION = 1e9;

/**
 * USD for `usage` at `pricing`. Cached prompt tokens are charged at the cached-input price where the catalog has
 * one; reasoning tokens are already inside `completion_tokens` and are charged as output.
 */
export function costUsd(usage: Usage, pricing: ModelPricing): number {
  const cached = Math.min(usage.prompt_tokens_details?.cached_tokens ?? 0, usage.prompt_tokens);
  const cachedPrice = pricing.cached_input_per_million ?? pricing.input_per_million;
  const dollars =
    ((usage.prompt_tokens - cached) * pricing.input_per_million + cached * cachedPrice + usage.completion_tokens * pricing.output_per_million) / 1e6;
  return Math.round(dollars * PRECISION) / PRECISION;
}

/** The usage as returned to clients: counts plus `cost_usd`. */
export function withCost(usage: Usage, pricing: ModelPricing): Usage {
  return { ...usage, cost_usd: costUsd(usage, pricing) };
}
