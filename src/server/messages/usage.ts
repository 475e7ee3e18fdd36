/**
 * @module Settled usage (the ledger's numbers) in Anthropic's shape, plus our `cost_usd`. Anthropic's `input_tokens`
 * leaves out the prompt tokens read from and written to the prompt cache, which it reports beside it, so
 * `input_tokens` = prompt − cache reads − cache writes. A native answer keeps the upstream's usage object (with its
 * other fields: `service_tier`, `server_tool_use`, …) and gets the settled counts only where it had them or they are
 * not zero, so a relayed answer keeps its exact shape.
 * @see https://platform.claude.com/docs/en/api/messages#response-usage
 */
import type { Usage } from '../../core/chat-response.js';
import { isRecord } from '../../core/guards.js';

/** Anthropic's usage object as the door reports it. */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  /** Our extension: what the request cost at the catalog's prices, in US dollars. */
  cost_usd: number;
}

/** The settled usage in Anthropic's terms. */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  const details = usage.prompt_tokens_details;
  const reads = details?.cached_tokens ?? 0;
  const writes = details?.cache_write_tokens ?? 0;
  const writes1h = Math.min(writes, details?.cache_write_1h_tokens ?? 0);
  return {
    input_tokens: Math.max(0, usage.prompt_tokens - reads - writes),
    cache_creation_input_tokens: writes,
    cache_read_input_tokens: reads,
    cache_creation: { ephemeral_5m_input_tokens: writes - writes1h, ephemeral_1h_input_tokens: writes1h },
    output_tokens: usage.completion_tokens,
    cost_usd: usage.cost_usd ?? 0,
  };
}

/** The counts a native usage object gets from the settled usage. */
const COUNTS = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens'] as const;

/** An upstream usage object with the settled counts and `cost_usd` (see the module comment). */
export function withSettledUsage(upstream: unknown, usage: Usage): Record<string, unknown> {
  const merged: Record<string, unknown> = isRecord(upstream) ? { ...upstream } : {};
  const settled = toAnthropicUsage(usage);
  for (const count of COUNTS) {
    if (count in merged || settled[count] !== 0) merged[count] = settled[count];
  }
  merged.cost_usd = settled.cost_usd;
  return merged;
}
