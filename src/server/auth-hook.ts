/**
 * @module Bearer authentication for `/v1/*`: the `op_…` key is looked up in the in-memory key cache (no database
 * round trip); missing, malformed, unknown and revoked keys all answer 401 `invalid_api_key`.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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

/**
 * Builds the `onRequest` hook; requests outside `/v1/` pass untouched. A callback hook rather than an async one:
 * it runs on every request and never waits, so it should not cost a promise.
 */
export function createAuthHook(keys: KeyLookup) {
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (!request.url.startsWith('/v1/')) return done();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      return done(invalidKey('You didn\'t provide an API key. Send it as "Authorization: Bearer op_…".'));
    }
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) return done(invalidKey('Malformed Authorization header. Send "Authorization: Bearer op_…".'));
    const key = keys.lookup(secret);
    if (key === undefined) return done(invalidKey('Invalid API key: it is unknown or has been revoked.'));
    request.apiKey = key;
    done();
  };
}

function invalidKey(message: string): GatewayError {
  return new GatewayError(401, 'invalid_api_key', message, { type: 'invalid_request_error' });
}
