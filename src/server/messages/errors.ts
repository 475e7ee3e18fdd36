/**
 * @module Errors in Anthropic's shape for the Messages routes: `{"type":"error","error":{"type","message"},
 * "request_id"}` with the status our OpenAI-format errors use, a `request-id` header (our `x-request-id`),
 * `retry-after` on 429 and the `X-RateLimit-*` headers. It is the routes' own error handler, so it also renders what
 * fails before the handler: a missing or unknown key, a malformed, too large or too deep body.
 *
 * The error types are Anthropic's for the status: 400 `invalid_request_error` (and other 4xx), 401
 * `authentication_error`, 402 `billing_error` (our spend caps and included tokens: Anthropic answers a spend limit
 * with 402 too, and its SDKs do not retry it), 403 `permission_error`, 404 `not_found_error`, 413
 * `request_too_large`, 429 `rate_limit_error`, 503 and 529 `overloaded_error`, 504 `timeout_error`, other 5xx
 * `api_error`.
 * @see https://platform.claude.com/docs/en/api/errors
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { type AnthropicErrorType, anthropicErrorType } from '../../providers/index.js';
import { toGatewayError } from '../error-handler.js';
import { rejectionHeaders, setRateLimitHeaders } from '../rate-limit-headers.js';

/** Anthropic's error body. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/** The body for an error; `requestId` is our request id (also sent as `request-id`). */
export function anthropicErrorBody(error: GatewayError, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}

/** Sets the `request-id` header Anthropic's clients read (our request id). */
export function setRequestIdHeader(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('request-id', request.id);
}

/** The Messages routes' `errorHandler`: the same decisions as the server's own (see `error-handler.ts`), Anthropic's shape. */
export function handleAnthropicError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const limits = rejectionHeaders(error);
  if (limits !== undefined) setRateLimitHeaders(reply, limits);
  let known = toGatewayError(error);
  if (known === undefined) {
    request.log.error({ err: error, requestId: request.id }, 'unhandled error');
    known = new GatewayError(500, 'internal_error', 'The server had an error while processing your request.');
  }
  setRequestIdHeader(request, reply);
  if (known.retryAfterSeconds !== undefined) reply.header('retry-after', String(known.retryAfterSeconds));
  return reply.code(known.status).type('application/json').send(anthropicErrorBody(known, request.id));
}
