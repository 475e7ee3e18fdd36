/**
 * @module The dashboard session on the wire: the `op_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure over
 * HTTPS — seen directly, or in a trusted proxy's `X-Forwarded-Proto`), the hook that requires a live session on
 * every `/api` route not marked public, and the CSRF check on state-changing methods. Both run at `onRequest`,
 * before the body is read.
 */
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, csrfTokensMatch, type NewSession, type SessionService } from '../../../auth/index.js';
import { GatewayError } from '../../../core/gateway-error.js';
import { isHttps } from '../../security-headers.js';

/** The cookie's name. */
export const SESSION_COOKIE = 'op_session';

/** The signed-in account behind a request. */
export interface DashboardSession {
  accountId: string;
  csrfToken: string;
  /** The cookie's token, to end the session at logout. */
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session hook on every authenticated `/api` request. */
    dashboardSession: DashboardSession | null;
  }
  interface FastifyContextConfig {
    /** An `/api` route that needs no session (signup, login, status). */
    dashboardPublic?: boolean;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Registers the session and CSRF hooks on the (encapsulated) `/api` instance. */
export function registerSessionHooks(api: FastifyInstance, sessions: SessionService): void {
  api.decorateRequest('dashboardSession', null);
  api.addHook('onRequest', async function requireSession(request) {
    if (request.routeOptions.config.dashboardPublic === true) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token === undefined ? undefined : await sessions.lookup(token);
    if (token === undefined || session === undefined) {
      throw new GatewayError(401, 'not_authenticated', 'You are not signed in, or your session has expired.');
    }
    if (STATE_CHANGING.has(request.method) && !csrfTokensMatch(session.csrfToken, request.headers[CSRF_HEADER])) {
      throw new GatewayError(403, 'csrf_failed', `Missing or wrong ${CSRF_HEADER} header.`);
    }
    request.dashboardSession = { accountId: session.accountId, csrfToken: session.csrfToken, token };
  });
}

/** The session of a request that passed the hook. */
export function sessionOf(request: FastifyRequest): DashboardSession {
  const session = request.dashboardSession;
  if (session === null) throw new GatewayError(401, 'not_authenticated', 'You are not signed in.');
  return session;
}

/** Sets the cookie for a new session, living as long as the session's maximum age (`now`: ms since the epoch). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession, now: number): void {
  const expires = new Date(session.expiresAt);
  reply.setCookie(SESSION_COOKIE, session.token, {
    ...cookieAttributes(request),
    maxAge: Math.max(0, Math.floor((expires.getTime() - now) / 1000)),
    expires,
  });
}

/** Clears the cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieAttributes(request));
}

function cookieAttributes(request: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(request) } as const;
}
