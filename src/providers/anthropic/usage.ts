/**
 * @module Anthropic token usage → OpenAI usage.
 */
import type { PromptTokensDetails, Usage } from '../../core/chat-response.js';
import type { AnthropicUsage } from './upstream-schema.js';

/**
 * Converts Anthropic's counts to OpenAI's.
 *
 * Anthropic's `input_tokens` leaves out the tokens written to and read from the prompt cache, while OpenAI's
 * `prompt_tokens` counts every prompt token, so the three are added; the cache reads are also reported as
 * `cached_tokens`, and the writes, which cost more than plain input, as our `cache_write_tokens`, with the part
 * written for one hour (billed higher again than the default five minutes) as `cache_write_1h_tokens`. Both are left
 * out when there were no writes, so an answer without prompt caching keeps OpenAI's usage shape. `output_tokens`
 * already includes thinking, as OpenAI's `completion_tokens` includes reasoning. Reasoning tokens are reported only
 * when Anthropic gives them: an absent count is unknown, not zero.
 * @see https://platform.claude.com/docs/en/api/messages#response-usage
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching#1-hour-cache-duration
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const split = usage.cache_creation;
  const writes1h = split?.ephemeral_1h_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? (split?.ephemeral_5m_input_tokens ?? 0) + writes1h;
  const promptTokens = (usage.input_tokens ?? 0) + cacheWrite + cacheRead;
  const completionTokens = usage.output_tokens ?? 0;
  const details: PromptTokensDetails = { cached_tokens: cacheRead };
  if (cacheWrite > 0) details.cache_write_tokens = cacheWrite;
  if (cacheWrite > 0 && writes1h > 0) details.cache_write_1h_tokens = Math.min(writes1h, cacheWrite);
  const result: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: details,
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
    cache_creation: later.cache_creation ?? earlier.cache_creation,
    output_tokens_details: thinking === undefined || thinking === null ? null : { thinking_tokens: thinking },
  };
}
