/**
 * @module Anthropic token usage → OpenAI usage.
 */
import type { Usage } from '../../core/chat-response.js';
import type { AnthropicUsage } from './upstream-schema.js';

/**
 * Converts Anthropic's counts to OpenAI's.
 *
 * Anthropic's `input_tokens` leaves out the tokens written to and read from the prompt cache, while OpenAI's
 * `prompt_tokens` counts every prompt token, so the three are added; the cache reads are also reported as
 * `cached_tokens`. `output_tokens` already includes thinking, as OpenAI's `completion_tokens` includes reasoning.
 * Reasoning tokens are reported only when Anthropic gives them: an absent count is unknown, not zero.
 * @see https://platform.claude.com/docs/en/api/messages#response-usage
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  const completionTokens = usage.output_tokens ?? 0;
  const result: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking !== undefined && thinking !== null) {
    result.completion_tokens_details = { reasoning_tokens: thinking };
  }
  return result;
}

/**
 * Folds a later usage report into an earlier one. Stream counts are cumulative, so a reported count replaces the
 * earlier value and an absent (or null) one keeps it: `message_delta` may repeat, correct (see the fixture
 * `anthropic-message-delta-input-tokens`) or omit the input counts of `message_start`.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#event-types
 */
export function mergeAnthropicUsage(earlier: AnthropicUsage, later: AnthropicUsage): AnthropicUsage {
  const thinking = later.output_tokens_details?.thinking_tokens ?? earlier.output_tokens_details?.thinking_tokens;
  return {
    input_tokens: later.input_tokens ?? earlier.input_tokens,
    output_tokens: later.output_tokens ?? earlier.output_tokens,
    cache_creation_input_tokens: later.cache_creation_input_tokens ?? earlier.cache_creation_input_tokens,
    cache_read_input_tokens: later.cache_read_input_tokens ?? earlier.cache_read_input_tokens,
    output_tokens_details: thinking === undefined || thinking === null ? null : { thinking_tokens: thinking },
  };
}
