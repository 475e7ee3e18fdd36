/**
 * @module Anthropic error bodies and in-stream `error` events → GatewayError.
 *
 * The status policy is the shared one (`mapUpstreamStatus`); this file only reads Anthropic's error shape
 * `{"type":"error","error":{"type","message"},"request_id"}` and its `retry-after` header.
 * @see https://platform.claude.com/docs/en/api/errors
 */
import type { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { headerValue, mapUpstreamStatus, parseJsonSafe, retryAfterFromHeaders } from '../shared/upstream-error.js';
import type { UpstreamHeaders } from '../types.js';

/** The `error.type` values Anthropic documents. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/**
 * The HTTP status Anthropic pairs with each error type; needed for errors that arrive inside a 200 stream.
 * A `Record` over the union keeps the table exhaustive.
 * @see https://platform.claude.com/docs/en/api/errors#http-errors
 */
const STATUS_BY_ERROR_TYPE: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Anthropic's raw text when the body is not its JSON error shape is cut to this many characters. */
const MAX_RAW_MESSAGE_CHARS = 500;

function isAnthropicErrorType(type: string): type is AnthropicErrorType {
  return Object.hasOwn(STATUS_BY_ERROR_TYPE, type);
}

/** The status for an Anthropic error type; an unknown type is treated as an upstream server error (500). */
export function anthropicErrorStatus(type: string): number {
  return isAnthropicErrorType(type) ? STATUS_BY_ERROR_TYPE[type] : 500;
}

/**
 * Anthropic's error type for a status: the Messages door answers with it, and the simulator's Anthropic endpoints
 * fault with it. 503 is not Anthropic's but the gateway's answer when a provider is unavailable (its 529 included, see
 * `mapUpstreamStatus`), so it reads `overloaded_error` too. Other 4xx are `invalid_request_error`, other 5xx `api_error`.
 */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The `error.message` of an Anthropic error body, else the raw text (cut short), else a placeholder. */
function errorMessage(body: string): string {
  const parsed = parseJsonSafe(body);
  if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === 'string') {
    return parsed.error.message;
  }
  const raw = body.trim();
  if (raw === '') return 'no error body';
  return raw.length > MAX_RAW_MESSAGE_CHARS ? `${raw.slice(0, MAX_RAW_MESSAGE_CHARS)}…` : raw;
}

/**
 * `retry-after` in seconds. Anthropic sends the seconds form; the HTTP-date form would need a clock, which an
 * adapter does not read, so it is ignored (the shared helper then never uses its `now`).
 * @see https://platform.claude.com/docs/en/api/rate-limits#response-headers
 */
function retryAfterSeconds(headers: UpstreamHeaders): number | undefined {
  const value = headerValue(headers, 'retry-after');
  const isDate = value !== undefined && Number.isNaN(Number(value));
  const clockFree = isDate ? { ...headers, 'retry-after': undefined } : headers;
  return retryAfterFromHeaders(clockFree, 0);
}

/**
 * Maps a non-2xx Messages answer to a GatewayError, keeping Anthropic's message and, for 429 and 529, its retry
 * delay. 529 `overloaded_error` becomes a retryable 503.
 */
export function toAnthropicGatewayError(status: number, headers: UpstreamHeaders, body: string): GatewayError {
  return mapUpstreamStatus(status, errorMessage(body), retryAfterSeconds(headers));
}

/**
 * Maps an `error` event received inside a 200 stream. Anthropic can accept the request, start streaming and then
 * fail (typically `overloaded_error`), so the status comes from the error type.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#error-events
 */
export function anthropicStreamError(type: string, message: string): GatewayError {
  return mapUpstreamStatus(anthropicErrorStatus(type), message);
}
