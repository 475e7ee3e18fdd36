/**
 * @module CSRF tokens for the dashboard (synchronizer-token pattern): one random token per session, stored with
 * it, handed to the page in JSON and sent back in `x-csrf-token`. A cross-site page can make the browser send the
 * cookie but cannot read the token.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The request header that carries the token. */
export const CSRF_HEADER = 'x-csrf-token';

/** A fresh token: 32 random bytes, base64url. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether the token a request sent equals the session's, in constant time (both are hashed first, so neither
 * their contents nor their lengths leak through timing).
 */
export function csrfTokensMatch(expected: string, sent: string | readonly string[] | undefined): boolean {
  if (typeof sent !== 'string' || sent === '') return false;
  return timingSafeEqual(digest(expected), digest(sent));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
