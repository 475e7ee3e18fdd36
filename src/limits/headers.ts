/**
 * @module The rate-limit response headers. Request headers describe the rpm window, token headers the tpm window:
 *
 * - `X-RateLimit-Limit`: requests per minute.
 * - `X-RateLimit-Remaining`: requests still admissible in the current 60 s window.
 * - `X-RateLimit-Reset`: whole seconds (rounded up) until the window frees a slot, i.e. until the oldest counted
 *   request leaves it and `Remaining` grows; `0` when no request is counted.
 * - `X-RateLimit-Limit-Tokens`: tokens per minute.
 * - `X-RateLimit-Remaining-Tokens`: tokens still reservable in the current window (reservations count at their
 *   worst case until settled).
 */
import type { WindowSnapshot } from './types.js';

/** Header name → value, ready for `reply.headers()`. */
export interface RateLimitHeaders {
  readonly 'X-RateLimit-Limit': string;
  readonly 'X-RateLimit-Remaining': string;
  readonly 'X-RateLimit-Reset': string;
  readonly 'X-RateLimit-Limit-Tokens': string;
  readonly 'X-RateLimit-Remaining-Tokens': string;
}

/** Ms → whole seconds, rounded up. */
export function wholeSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** The headers for a window snapshot. */
export function rateLimitHeaders(window: WindowSnapshot): RateLimitHeaders {
  return {
    'X-RateLimit-Limit': String(window.requestsLimit),
    'X-RateLimit-Remaining': String(window.requestsRemaining),
    'X-RateLimit-Reset': String(wholeSeconds(window.requestsResetMs)),
    'X-RateLimit-Limit-Tokens': String(window.tokensLimit),
    'X-RateLimit-Remaining-Tokens': String(window.tokensRemaining),
  };
}
