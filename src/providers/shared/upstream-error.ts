/**
 * @module One policy for turning an upstream HTTP failure into the client-facing GatewayError, shared by every
 * adapter's `errors.ts` (each adapter only extracts the message and retry delay from its own error body).
 */
import { GatewayError } from '../../core/gateway-error.js';
import type { UpstreamHeaders } from '../types.js';

/**
 * Maps an upstream status to the closest client error, keeping the upstream's message.
 * - 400/404/413/422 are the client's request: same family back to the client.
 * - 401/403 are the gateway's provider credential, not the client's key: 502, retryable on another deployment.
 * - 429 is a rate limit (with its delay); 408, 5xx and Anthropic's 529 mean the provider is unavailable (503).
 */
export function mapUpstreamStatus(status: number, message: string, retryAfterSeconds?: number): GatewayError {
  const text = `Upstream provider error (${status}): ${message}`;
  if (status === 429) {
    return new GatewayError(429, 'rate_limit_exceeded', text, { retryable: true, retryAfterSeconds, upstream: true });
  }
  if (status === 408 || status >= 500) {
    return new GatewayError(503, 'provider_unavailable', text, { retryable: true, retryAfterSeconds, upstream: true });
  }
  if (status === 401 || status === 403) {
    return new GatewayError(502, 'provider_error', `The provider rejected the gateway's credentials (${status}): ${message}`, {
      retryable: true,
      upstream: true,
    });
  }
  if (status === 404) return new GatewayError(404, 'model_not_found', text, { retryable: false, upstream: true });
  if (status === 413) return new GatewayError(413, 'request_too_large', text, { retryable: false, upstream: true });
  return new GatewayError(400, 'invalid_request', text, { retryable: false, upstream: true });
}

/**
 * `retry-after-ms`, or `Retry-After` in seconds (or as an HTTP date when the caller passes the current time) → whole
 * seconds, at least 1; undefined when absent. Adapters stay clock-free by omitting `nowMs`.
 */
export function retryAfterFromHeaders(headers: UpstreamHeaders, nowMs?: number): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(1, Math.ceil(Number(ms) / 1000));
  const value = headerValue(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  if (nowMs === undefined) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(1, Math.ceil((date - nowMs) / 1000));
}

/** First value of a header (undici lower-cases names). */
export function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses JSON without throwing; `undefined` when the text is not JSON. */
export function parseJsonSafe(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A 502 for an upstream 2xx body or event that does not have the promised shape. */
export function malformedUpstream(what: string): GatewayError {
  return new GatewayError(502, 'provider_error', `The provider returned a malformed ${what}.`, { retryable: true, upstream: true });
}
