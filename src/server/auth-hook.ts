/**
 * @module API-key authentication for `/v1/*`: the `op_…` key comes as `Authorization: Bearer op_…` (OpenAI's SDKs)
 * or as `x-api-key: op_…` (Anthropic's SDKs and Claude Code), on every `/v1` route; when both are sent, the
 * Authorization header decides. It is looked up in the key cache: from memory for a recently used key or a
 * certainly unknown one, else with one database read (see `auth/key-cache.ts`). Missing, malformed, unknown and
 * revoked keys all answer 401 `invalid_api_key`; a key the database could not be asked about in time, 503.
 *
 * The check belongs to the matched route, not to the request's URL: the router decodes the path and accepts the
 * absolute form of the request target, so a test on the raw URL let `/%761/models` and `GET http://x/v1/models`
 * reach `/v1` handlers with no key. Every route registered under `/v1` carries the hook itself, whatever spelling
 * of the path the router matched to it; a request that matches no route gets the 404 handler and no key check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { KeyLookupError, type KeyRecord } from '../auth/index.js';
import { GatewayError } from '../core/gateway-error.js';

/** What the server knows about the caller's key: the key cache's record. */
export type AuthenticatedKey = KeyRecord;

/** The key cache as the server sees it: an answer from memory, or a promise when the database must be asked. */
export interface KeyLookup {
  lookup(secret: string): AuthenticatedKey | undefined | Promise<AuthenticatedKey | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every authenticated `/v1` request. */
    apiKey: AuthenticatedKey | null;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The path prefix whose routes require a key. */
const PROTECTED_PREFIX = '/v1';

/**
 * Puts the key check on every route registered under `/v1` from now on, as the first of the route's own
 * `onRequest` hooks (instance hooks such as the request id still run before it). Call it before registering routes.
 */
export function requireApiKeyOnV1Routes(app: FastifyInstance, keys: KeyLookup): void {
  const authenticate = createAuthHook(keys);
  app.addHook('onRoute', function protectV1Route(route: RouteOptions) {
    if (route.url !== PROTECTED_PREFIX && !route.url.startsWith(`${PROTECTED_PREFIX}/`)) return;
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [authenticate, ...own];
  });
}

/**
 * Builds the route-level `onRequest` hook. A callback hook rather than an async one: it runs on every `/v1`
 * request and almost never waits (only for a key not in memory), so the common case should not cost a promise.
 */
export function createAuthHook(keys: KeyLookup) {
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const header = request.headers.authorization;
    const apiKeyHeader = request.headers['x-api-key'];
    const hasBearer = header !== undefined && header !== '';
    if (!hasBearer && (apiKeyHeader === undefined || apiKeyHeader === '')) {
      done(invalidKey('You didn\'t provide an API key. Send it as "Authorization: Bearer op_…" or "x-api-key: op_…".'));
      return;
    }
    const secret = hasBearer ? BEARER.exec(header)?.[1] : typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : undefined;
    if (secret === undefined || secret === '') {
      done(invalidKey(hasBearer ? 'Malformed Authorization header. Send "Authorization: Bearer op_…".' : 'Send one "x-api-key: op_…" header.'));
      return;
    }
    const found = keys.lookup(secret);
    if (!(found instanceof Promise)) {
      admit(request, found, done);
      return;
    }
    found.then(
      (key) => admit(request, key, done),
      (error: unknown) => done(lookupFailed(error)),
    );
  };
}

function admit(request: FastifyRequest, key: AuthenticatedKey | undefined, done: HookHandlerDoneFunction): void {
  if (key === undefined) {
    done(invalidKey('Invalid API key: it is unknown or has been revoked.'));
    return;
  }
  request.apiKey = key;
  done();
}

/** The key store is unreachable or slow: not the client's fault, and worth a retry shortly. */
function lookupFailed(error: unknown): GatewayError {
  const reason = error instanceof KeyLookupError ? error.message : 'the key lookup failed';
  return new GatewayError(503, 'internal_error', `Could not check the API key right now (${reason}); retry shortly.`, {
    retryAfterSeconds: 1,
    cause: error,
  });
}

function invalidKey(message: string): GatewayError {
  return new GatewayError(401, 'invalid_api_key', message, { type: 'invalid_request_error' });
}
