/**
 * @module The limiter's Redis key names, all under one prefix (so a deployment, or a test, owns `<prefix>:*`).
 *
 * Per account: `<prefix>:acct:<id>:log` (zset: the sliding window, one entry per admitted request), `:amounts`
 * (hash: tokens reserved per entry), `:tokens` (the window's token total) and `:lease` (zset of leases). Monthly
 * counters: `<prefix>:month:acct:<id>` and `<prefix>:month:key:<id>` (hashes).
 *
 * An admission touches both the account's keys and the key's counter, which Redis Cluster would place in
 * different slots: the backend needs a single Redis (with replicas, or Sentinel), not a cluster.
 */
import type { MonthlyScope } from '../types.js';

/** The window and lease keys of one account. */
export interface WindowKeys {
  readonly log: string;
  readonly amounts: string;
  readonly tokens: string;
  readonly leases: string;
}

/** Key names under `prefix`. */
export class LimiterKeys {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** The rate-window and lease keys of an account. */
  windows(accountId: string): WindowKeys {
    const base = `${this.#prefix}:acct:${accountId}`;
    return { log: `${base}:log`, amounts: `${base}:amounts`, tokens: `${base}:tokens`, leases: `${base}:lease` };
  }

  /** The monthly counter of an account. */
  accountMonth(accountId: string): string {
    return `${this.#prefix}:month:acct:${accountId}`;
  }

  /** The monthly counter of a key. */
  keyMonth(keyId: string): string {
    return `${this.#prefix}:month:key:${keyId}`;
  }

  /** The monthly counter of a scope. */
  month(scope: MonthlyScope): string {
    return 'accountId' in scope ? this.accountMonth(scope.accountId) : this.keyMonth(scope.keyId);
  }
}
