/**
 * @module Anthropic's token counting endpoint (`POST /v1/messages/count_tokens`): the request for a Messages body,
 * and the count read from the answer. Anthropic counts with the model's own tokenizer, system prompt, tools, images
 * and thinking included, which no estimate of ours can match, so the Messages door forwards counts for Claude.
 * @see https://platform.claude.com/docs/en/api/messages-count-tokens
 * @see https://platform.claude.com/docs/en/build-with-claude/token-counting
 */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { NativeBody } from '../../core/chat-request.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { TokenCountAdapter, UpstreamRequest, UpstreamTarget } from '../types.js';
import { ANTHROPIC_MESSAGES_PATH, anthropicHeaders } from './native-request.js';

/** Appended to the target's base URL. */
export const ANTHROPIC_COUNT_TOKENS_PATH = `${ANTHROPIC_MESSAGES_PATH}/count_tokens`;

const CountAnswer = TypeCompiler.Compile(Type.Object({ input_tokens: Type.Integer({ minimum: 0 }) }));

/** The count request: the client's body as it came, with the deployment's model, and its betas. */
function toCountTokensRequest(native: NativeBody, target: UpstreamTarget): { request: UpstreamRequest } {
  return {
    request: {
      path: ANTHROPIC_COUNT_TOKENS_PATH,
      headers: anthropicHeaders(target.apiKey, native.betas),
      body: { ...native.body, model: target.upstreamModel },
    },
  };
}

/** `input_tokens` of a 2xx answer; a 502 GatewayError when the answer has none. */
function fromCountTokensResponse(body: unknown): number {
  if (!CountAnswer.Check(body)) throw malformedUpstream('token count');
  return body.input_tokens;
}

/** Token counting for Anthropic-format deployments; errors go through the adapter's `toGatewayError`. */
export const anthropicTokenCount: TokenCountAdapter = {
  toUpstream: toCountTokensRequest,
  fromUpstream: fromCountTokensResponse,
};
