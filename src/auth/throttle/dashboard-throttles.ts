/**
 * @module The dashboard's throttles, each counted before the work it guards (see `attempt-log.ts`):
 * - login: 5 failures per email and 20 per client address in 15 minutes. Every attempt takes a place in both
 *   windows before the password is hashed; a success clears its email's window (the owner is back) and gives its
 *   address place back, so what stays counted is failures, plus attempts still in flight. A password change checks
 *   the current password through the same windows.
 * - signup: 5 per client address per hour (each account comes with a free plan's quota).
 * - provider-key tests: 10 per account per hour (each test is a call to the provider with someone's key).
 * Further attempts are refused without doing the work until the oldest counted one leaves its window.
 */
import { addressBucket } from './address-bucket.js';
import type { AttemptLog, AttemptRule } from './attempt-log.js';

/** At most `limit` attempts in any `windowMs`. */
export interface ThrottleLimit {
  limit: number;
  windowMs: number;
}

/** The windows of each throttle. */
export interface DashboardThrottleLimits {
  loginPerEmail: ThrottleLimit;
  loginPerAddress: ThrottleLimit;
  signupPerAddress: ThrottleLimit;
  providerKeyTestsPerAccount: ThrottleLimit;
}

const MINUTE = 60_000;

/** The defaults: login 5 per email and 20 per address in 15 min, signup 5 per address and key tests 10 per account an hour. */
export const DASHBOARD_THROTTLE_DEFAULTS: Readonly<DashboardThrottleLimits> = Object.freeze({
  loginPerEmail: { limit: 5, windowMs: 15 * MINUTE },
  loginPerAddress: { limit: 20, windowMs: 15 * MINUTE },
  signupPerAddress: { limit: 5, windowMs: 60 * MINUTE },
  providerKeyTestsPerAccount: { limit: 10, windowMs: 60 * MINUTE },
});

/** Let through, or refused with the whole seconds to wait. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A login attempt that was let through; pass it to `loginSucceeded` if the password was right. */
export interface LoginAttempt {
  readonly email: string;
  readonly address: string;
  readonly id: string;
}

/** Let through with its attempt, or refused with the whole seconds to wait. */
export type LoginVerdict = { allowed: true; attempt: LoginAttempt } | { allowed: false; retryAfterSeconds: number };

/** The login, signup and provider-key-test throttles over one {@link AttemptLog}. */
export class DashboardThrottles {
  readonly #log: AttemptLog;
  readonly #limits: DashboardThrottleLimits;

  constructor(log: AttemptLog, limits: DashboardThrottleLimits = DASHBOARD_THROTTLE_DEFAULTS) {
    this.#log = log;
    this.#limits = limits;
  }

  /** Takes a place for a login (or a password check) of `email` from `address`, before the password is hashed. */
  async beginLogin(email: string, address: string): Promise<LoginVerdict> {
    const attempt = { email: emailKey(email), address: `login:addr:${addressBucket(address)}` };
    const result = await this.#log.take([rule(attempt.email, this.#limits.loginPerEmail), rule(attempt.address, this.#limits.loginPerAddress)]);
    return result.allowed ? { allowed: true, attempt: { ...attempt, id: result.id } } : refusal(result.retryAfterMs);
  }

  /** The password was right: clears the email's failures and gives the address its place back. */
  async loginSucceeded(attempt: LoginAttempt): Promise<void> {
    await Promise.all([this.#log.clear(attempt.email), this.#log.giveBack(attempt.address, attempt.id)]);
  }

  /** Takes a place for a signup from `address`. */
  async beginSignup(address: string): Promise<ThrottleVerdict> {
    return this.#takeOne(`signup:addr:${addressBucket(address)}`, this.#limits.signupPerAddress);
  }

  /** Takes a place for a provider-key test by the account `accountId`. */
  async beginProviderKeyTest(accountId: string): Promise<ThrottleVerdict> {
    return this.#takeOne(`keytest:acct:${accountId}`, this.#limits.providerKeyTestsPerAccount);
  }

  async #takeOne(key: string, limit: ThrottleLimit): Promise<ThrottleVerdict> {
    const result = await this.#log.take([rule(key, limit)]);
    return result.allowed ? { allowed: true } : refusal(result.retryAfterMs);
  }
}

function rule(key: string, limit: ThrottleLimit): AttemptRule {
  return { key, limit: limit.limit, windowMs: limit.windowMs };
}

function refusal(retryAfterMs: number): { allowed: false; retryAfterSeconds: number } {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

function emailKey(email: string): string {
  return `login:email:${email.trim().toLowerCase()}`;
}
