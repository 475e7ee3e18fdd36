/**
 * @module Whether, and for how long, one request uses the response cache. Caching is opt-in, asked for in one of
 * three places, the first present deciding:
 *
 * 1. the body's `cache` field (our extension, on the OpenAI-format doors: Chat Completions, Responses, Embeddings):
 *    `true` (the default lifetime), `false` (no caching), or `{ttl?, refresh?}` — `ttl` in whole seconds, 0 for no
 *    caching; `refresh: true` skips the lookup, calls the model and stores the fresh answer;
 * 2. the headers, which every door takes (the Messages door refuses unknown body fields, as Anthropic does):
 *    `x-op-cache: on | off | refresh` and `x-op-cache-ttl: <seconds>`;
 * 3. the API key's default lifetime, when it has one.
 *
 * A lifetime above `cache.maxTtlSeconds`, or anything malformed, is a 400 naming the field or header. A key's default
 * set before the operator lowered the maximum is held to the maximum rather than refused.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest } from '../core/gateway-error.js';

/** The header switching the cache on, off, or to a refresh. */
export const CACHE_HEADER = 'x-op-cache';
/** The header giving the lifetime, in whole seconds. */
export const CACHE_TTL_HEADER = 'x-op-cache-ttl';

/** The configured lifetimes (`cache.defaultTtlSeconds`, `cache.maxTtlSeconds`). */
export interface CacheLifetimes {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
}

/** How one request uses the cache. */
export interface CachePolicy {
  /** How long a fresh answer is kept, in seconds (at least 1). */
  ttlSeconds: number;
  /** Skip the lookup: call the model and replace what is cached. */
  refresh: boolean;
}

/** What the request asked for, before the key's default and the configured default fill the gaps. */
interface Asked {
  /** False: no caching for this request. */
  on: boolean;
  ttlSeconds: number | undefined;
  refresh: boolean;
}

/**
 * The request's policy, or undefined when it does not use the cache. `body` is the request body as parsed (its
 * `cache` member is read), `keyTtlSeconds` the key's default lifetime (null: none).
 * @throws {GatewayError} 400 with `param` for a malformed setting or a lifetime out of range.
 */
export function cachePolicy(
  headers: IncomingHttpHeaders,
  body: unknown,
  keyTtlSeconds: number | null,
  lifetimes: CacheLifetimes,
): CachePolicy | undefined {
  const fromHeaders = askedInHeaders(headers, lifetimes.maxTtlSeconds);
  const fromBody = typeof body === 'object' && body !== null && 'cache' in body ? askedInBody(body.cache, lifetimes.maxTtlSeconds) : undefined;
  const asked = fromBody ?? fromHeaders;
  if (asked === undefined) {
    return keyTtlSeconds === null ? undefined : { ttlSeconds: Math.min(keyTtlSeconds, lifetimes.maxTtlSeconds), refresh: false };
  }
  if (!asked.on) return undefined;
  const fallback = keyTtlSeconds === null ? lifetimes.defaultTtlSeconds : Math.min(keyTtlSeconds, lifetimes.maxTtlSeconds);
  return { ttlSeconds: asked.ttlSeconds ?? fallback, refresh: asked.refresh };
}

function askedInBody(value: unknown, maxTtl: number): Asked | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return { on: value, ttlSeconds: undefined, refresh: false };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest('`cache` must be true, false or an object `{ttl?, refresh?}`.', 'cache');
  }
  const { ttl, refresh, ...unknown } = value as Record<string, unknown>;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined)
    throw invalidRequest(
      `Unknown parameter \`cache.${extra.slice(0, 40)}\`: \`cache\` takes \`ttl\` and \`refresh\`.`,
      `cache.${extra.slice(0, 40)}`,
    );
  if (refresh !== undefined && typeof refresh !== 'boolean') throw invalidRequest('`cache.refresh` must be a boolean.', 'cache.refresh');
  const ttlSeconds = ttl === undefined ? undefined : checkTtl(ttl, maxTtl, 'cache.ttl');
  return { on: ttlSeconds !== 0, ttlSeconds, refresh: refresh === true };
}

function askedInHeaders(headers: IncomingHttpHeaders, maxTtl: number): Asked | undefined {
  const mode = headers[CACHE_HEADER];
  const ttlText = headers[CACHE_TTL_HEADER];
  if (mode === undefined && ttlText === undefined) return undefined;
  const ttlSeconds = ttlText === undefined ? undefined : checkTtl(parseWhole(ttlText), maxTtl, CACHE_TTL_HEADER);
  switch (typeof mode === 'string' ? mode.trim().toLowerCase() : mode) {
    case undefined:
    case 'on':
      return { on: ttlSeconds !== 0, ttlSeconds, refresh: false };
    case 'refresh':
      return { on: ttlSeconds !== 0, ttlSeconds, refresh: true };
    case 'off':
      return { on: false, ttlSeconds, refresh: false };
    default:
      throw invalidRequest(`\`${CACHE_HEADER}\` must be \`on\`, \`off\` or \`refresh\`.`, CACHE_HEADER);
  }
}

/** A header's digits as a number; anything else (a list, a sign, a fraction) is NaN, refused by {@link checkTtl}. */
function parseWhole(text: string | string[]): number {
  return typeof text === 'string' && /^\s*\d{1,10}\s*$/.test(text) ? Number(text) : Number.NaN;
}

function checkTtl(value: unknown, maxTtl: number, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxTtl) {
    throw invalidRequest(`\`${param}\` must be a whole number of seconds from 0 (no caching) to ${maxTtl}.`, param);
  }
  return value;
}
