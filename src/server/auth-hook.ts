/**
 * @module API-key authentication for `/v1/*`: the `op_…` key comes as `Authorization: Bearer op_…` (OpenAI's SDKs)
 * or as `x-api-key: op_…` (Anthropic's SDKs and Claude Code), on every `/v1` route; when both are sent, the
 * Authorization header decides. It is looked up in the in-memory key cache (no database round trip); missing,
 * malformed, unknown and revoked keys all answer 401 `invalid_api_key`.
 *
 * The check belongs to the matched route, not to the request's URL: the router decodes the path and accepts the
 * absolute form of the request target, so a test on the raw URL let `/%761/models` and `GET http://x/v1/models`
 * reach `/v1` handlers with no key. Every route registered under `/v1` carries the hook itself, whatever spelling
 * of the path the router matched to it; a request that matches no route gets the 404 handler and no key check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import type { KeyRecord } from '../auth/index.js';
import { GatewayError } from '../core/gateway-error.js';

/** What the server knows about the caller's key: the key cache's record. */
export type AuthenticatedKey = KeyRecord;

/** The key cache as the server sees it. */
export interface KeyLookup {
  lookup(secret: string): AuthenticatedKey | undefined;
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
 * request and never waits, so it should not cost a promise.
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
    const key = keys.lookup(secret);
    if (key === undefined) {
      done(invalidKey('Invalid API key: it is unknown or has been revoked.'));
      return;
    }
    request.apiKey = key;
    done();
  };
}

function invalidKey(message: string): GatewayError {
  return new GatewayError(401, 'invalid_api_key', message, { type: 'invalid_request_error' });
}
