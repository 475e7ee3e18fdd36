/**
 * @module The Anthropic Messages wire format (`POST /v1/messages`), spoken by Anthropic and compatible endpoints.
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type { ProviderAdapter } from '../types.js';
import { anthropicTokenCount } from './count-tokens.js';
import { toAnthropicGatewayError } from './errors.js';
import { toAnthropicRequest } from './request.js';
import { fromAnthropicResponse } from './response.js';
import { createAnthropicStreamTranslator } from './stream.js';

export { type AnthropicErrorType, anthropicErrorType } from './errors.js';
export { ANTHROPIC_DEFAULT_MAX_TOKENS } from './request.js';

/**
 * Adapter for Anthropic-format upstreams.
 * - `toUpstream`: a native Messages body (`NATIVE_BODY`, from the Messages door) is sent as it came, with the
 *   deployment's model, the call's `stream` and the client's betas. Otherwise translation: system/developer messages
 *   hoisted into `system`, same-role turns merged, tools and images converted, signed thinking replayed from
 *   `reasoning_details`, `max_tokens` always set ({@link ANTHROPIC_DEFAULT_MAX_TOKENS} when the client gives none),
 *   temperature clamped to [0, 1], `response_format` as structured output or the `json_output` tool,
 *   `reasoning_effort` as extended thinking; fields without an equivalent are dropped and listed in `warnings`.
 * - `fromUpstream`: text → `content`, `tool_use` → `tool_calls` (the `json_output` tool → `content`), thinking →
 *   `reasoning_content` and `reasoning_details` (signed), usage with cache reads and writes counted in
 *   `prompt_tokens` and reported in its details; the body itself as `native`.
 * - `createStreamTranslator`: SSE events → chunks as they arrive, each event also as `native`; in-band `error`
 *   events and streams cut before `message_stop` become errors.
 * - `toGatewayError`: Anthropic's error body → GatewayError; 529 overloaded is a retryable 503.
 * - `countTokens`: a Messages body → `POST /v1/messages/count_tokens`, and the `input_tokens` of its answer.
 */
export const anthropicAdapter: ProviderAdapter = {
  format: 'anthropic',
  fanOutChoices: true,
  toUpstream: toAnthropicRequest,
  fromUpstream: fromAnthropicResponse,
  createStreamTranslator: createAnthropicStreamTranslator,
  toGatewayError: toAnthropicGatewayError,
  countTokens: anthropicTokenCount,
};
