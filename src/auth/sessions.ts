/**
 * @module Dashboard sessions: a random token in the browser's cookie, its SHA-256 in the store. Every login makes
 * a new session (a new token), so a token planted before login is worthless after it (no session fixation).
 *
 * A session ends at the first of: its maximum age from sign-in (30 days by default), a spell without use longer
 * than the idle timeout (7 days), a logout, a password change made in another session, or "sign out everywhere".
 * Use slides the idle expiry, but is written to the store at most once per `touchIntervalMs` (5 minutes), so a
 * busy dashboard does not write on every request; the idle timeout is therefore exact to within that interval.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  deleteAccountSessions,
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  insertSession,
  touchSession,
  type Database,
  type SessionLiveness,
} from '../store/index.js';
import { newCsrfToken } from './csrf.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a session lasts from login, however active: 30 days. */
export const SESSION_TTL_MS = 30 * DAY_MS;

/** How long a session lasts without use: 7 days. */
export const SESSION_IDLE_TIMEOUT_MS = 7 * DAY_MS;

/** A live session as the dashboard API sees it. */
export interface Session {
  accountId: string;
  csrfToken: string;
  /** ISO-8601: the maximum age's end (the idle timeout may end it sooner). */
  expiresAt: string;
}

/** A session just created: the token goes into the cookie and exists nowhere else. */
export interface NewSession extends Session {
  token: string;
}

/** I/O and lifetimes of the session service. */
export interface SessionServiceDeps {
  db: Kysely<Database>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The maximum age from sign-in; defaults to {@link SESSION_TTL_MS}. */
  ttlMs?: number;
  /** The longest spell without use; defaults to {@link SESSION_IDLE_TIMEOUT_MS}. */
  idleTimeoutMs?: number;
  /** Minimum time between two `last_seen_at` writes of one session; defaults to 5 minutes. */
  touchIntervalMs?: number;
}

/** Creating, finding and ending sessions. */
export interface SessionService {
  /** Starts a new session for an account. */
  create(accountId: string): Promise<NewSession>;
  /** The live session a cookie token names, or undefined (malformed, unknown, expired, idle too long). */
  lookup(token: string): Promise<Session | undefined>;
  /** Ends the session a token names, if any. */
  destroy(token: string): Promise<void>;
  /** Ends every session of the account, except the one `keepToken` names; returns how many ended. */
  destroyAll(accountId: string, keepToken?: string): Promise<number>;
  /** Deletes expired and idle sessions; returns how many. */
  sweep(): Promise<number>;
}

/** Tokens are 32 random bytes in base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Builds the session service. */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const ttlMs = deps.ttlMs ?? SESSION_TTL_MS;
  const idleTimeoutMs = deps.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
  const touchIntervalMs = deps.touchIntervalMs ?? 5 * 60 * 1000;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const liveAt = (now: number): SessionLiveness => ({ nowIso: iso(now), idleCutoffIso: iso(now - idleTimeoutMs) });

  return {
    async create(accountId: string): Promise<NewSession> {
      const now = deps.now();
      const token = randomBytes(32).toString('base64url');
      const session = { accountId, csrfToken: newCsrfToken(), expiresAt: iso(now + ttlMs) };
      await insertSession(deps.db, { id: sessionId(token), ...session, createdAt: iso(now), lastSeenAt: iso(now) });
      return { ...session, token };
    },

    async lookup(token: string): Promise<Session | undefined> {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const now = deps.now();
      const record = await findLiveSession(deps.db, sessionId(token), liveAt(now));
      if (record === undefined) return undefined;
      if (now - Date.parse(record.lastSeenAt) >= touchIntervalMs) await touchSession(deps.db, record.id, iso(now));
      return { accountId: record.accountId, csrfToken: record.csrfToken, expiresAt: record.expiresAt };
    },

    async destroy(token: string): Promise<void> {
      if (TOKEN_PATTERN.test(token)) await deleteSession(deps.db, sessionId(token));
    },

    destroyAll(accountId: string, keepToken?: string): Promise<number> {
      return deleteAccountSessions(deps.db, accountId, keepToken === undefined ? undefined : sessionId(keepToken));
    },

    sweep(): Promise<number> {
      return deleteExpiredSessions(deps.db, liveAt(deps.now()));
    },
  };
}

/** The stored id of a token: its hex SHA-256. */
export function sessionId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
