/**
 * @module Browser security headers for the dashboard pages and `/api`: a Content Security Policy that allows only
 * same-origin scripts (no inline script, no eval), no framing (clickjacking), no MIME sniffing, and no full-URL
 * referrers. `/v1/*` is an API for SDKs, not browsers, and is left alone (it is the hot path).
 * @see https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The policy. `style-src` allows inline styles because chart libraries set `style` attributes on SVG; inline
 * *scripts* stay forbidden, which is what stops XSS from running code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** Adds the headers to every response outside `/v1/`, errors and 404s included; HSTS when served over HTTPS. */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', function securityHeaders(request, reply, done) {
    setSecurityHeaders(request, reply);
    done();
  });
}

/** Sets the headers on one reply (outside `/v1/`); for answers given before hooks run. */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  if (request.url.startsWith('/v1/')) return;
  reply.headers(HEADERS);
  if (isHttps(request)) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

/**
 * Whether the client reached us over HTTPS: directly, or through a proxy named in `server.trustProxy` that says so
 * in `X-Forwarded-Proto`. Fastify reads that header only from trusted proxies (its `trustProxy` option), so anyone
 * else sending it changes nothing (not the cookie's `Secure` flag, not HSTS).
 */
export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
