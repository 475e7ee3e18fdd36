/**
 * @module Brute-force protection for dashboard logins: at most 5 failed attempts per email and 20 per client IP in
 * any 15 minutes; further attempts are refused (without checking the password) until the oldest counted failure
 * leaves the window. A successful login clears its email's failures (not its IP's).
 *
 * Failures are kept in memory, per process: a restart forgets them and several instances each allow the limit.
 * That bounds guessing to a few attempts per minute per instance, which is what scrypt-hashed passwords of at
 * least 10 characters need; a shared (Redis) store can replace this class behind the same methods.
 */

/** The defaults: 5 per email, 20 per IP, 15 minutes. */
export const LOGIN_THROTTLE_DEFAULTS = Object.freeze({ maxPerEmail: 5, maxPerIp: 20, windowMs: 15 * 60 * 1000 });

/** Whether an attempt may go ahead; when not, how long to wait. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Tuning and the clock of a {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  maxPerEmail?: number;
  maxPerIp?: number;
  windowMs?: number;
  /** Above this many tracked emails and IPs, stale entries are swept on the next failure; defaults to 10,000. */
  sweepThreshold?: number;
}

/** Counts failed logins per email and per IP in a sliding window. */
export class LoginThrottle {
  readonly #now: () => number;
  readonly #maxPerEmail: number;
  readonly #maxPerIp: number;
  readonly #windowMs: number;
  readonly #sweepThreshold: number;
  /** Failure times, oldest first, by `e:<email>` or `i:<ip>`; at most the limit's count of them. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginThrottleOptions) {
    this.#now = options.now;
    this.#maxPerEmail = options.maxPerEmail ?? LOGIN_THROTTLE_DEFAULTS.maxPerEmail;
    this.#maxPerIp = options.maxPerIp ?? LOGIN_THROTTLE_DEFAULTS.maxPerIp;
    this.#windowMs = options.windowMs ?? LOGIN_THROTTLE_DEFAULTS.windowMs;
    this.#sweepThreshold = options.sweepThreshold ?? 10_000;
  }

  /** Whether a login for `email` from `ip` may be attempted now. */
  check(email: string, ip: string): ThrottleVerdict {
    const now = this.#now();
    const waits = [this.#wait(emailKey(email), this.#maxPerEmail, now), this.#wait(ipKey(ip), this.#maxPerIp, now)];
    const waitMs = Math.max(...waits);
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } : { allowed: true };
  }

  /** Counts a failed attempt against the email and the IP. */
  recordFailure(email: string, ip: string): void {
    const now = this.#now();
    if (this.#failures.size >= this.#sweepThreshold) this.#sweep(now);
    this.#push(emailKey(email), this.#maxPerEmail, now);
    this.#push(ipKey(ip), this.#maxPerIp, now);
  }

  /** Forgets the email's failures after a successful login. */
  recordSuccess(email: string): void {
    this.#failures.delete(emailKey(email));
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  #wait(key: string, max: number, now: number): number {
    const times = this.#prune(key, now);
    if (times.length < max) return 0;
    const oldest = times[times.length - max] ?? now;
    return oldest + this.#windowMs - now;
  }

  #push(key: string, max: number, now: number): void {
    const times = this.#prune(key, now);
    times.push(now);
    if (times.length > max) times.splice(0, times.length - max);
    this.#failures.set(key, times);
  }

  #prune(key: string, now: number): number[] {
    const times = this.#failures.get(key) ?? [];
    const firstLive = times.findIndex((t) => t > now - this.#windowMs);
    const live = firstLive === -1 ? [] : times.slice(firstLive);
    if (live.length === 0) this.#failures.delete(key);
    return live;
  }

  #sweep(now: number): void {
    for (const key of [...this.#failures.keys()]) this.#prune(key, now);
  }
}

function emailKey(email: string): string {
  return `e:${email.trim().toLowerCase()}`;
}

function ipKey(ip: string): string {
  return `i:${ip}`;
}
