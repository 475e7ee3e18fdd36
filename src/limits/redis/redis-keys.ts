/**
 * @module The limiter's Redis key names, all under one prefix (so a deployment, or a test, owns `<prefix>:*`).
 *
 * Per account: `<prefix>:acct:<id>:log` (zset: the sliding window, one entry per admitted request), `:amounts`
 * (hash: tokens reserved per entry), `:tokens` (the window's token total) and `:lease` (zset of leases). A key with
 * rpm or tpm limits of its own: `<prefix>:key:<id>:log`, `:amounts`, `:tokens`. Monthly counters:
 * `<prefix>:month:acct:<id>` and `<prefix>:month:key:<id>`; a key's daily or weekly budget:
 * `<prefix>:budget:daily:key:<id>`, `<prefix>:budget:weekly:key:<id>` (hashes).
 *
 * An admission touches both the account's keys and the key's counter, which Redis Cluster would place in
 * different slots: the backend needs a single Redis (with replicas, or Sentinel), not a cluster.
 */
import type { ShortBudgetPeriod } from '../period.js';
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

  /** A key's own rate windows (no leases: concurrency is the account's). */
  keyWindows(keyId: string): Omit<WindowKeys, 'leases'> {
    const base = `${this.#prefix}:key:${keyId}`;
    return { log: `${base}:log`, amounts: `${base}:amounts`, tokens: `${base}:tokens` };
  }

  /** A key's daily or weekly budget counter. */
  keyBudget(keyId: string, period: ShortBudgetPeriod): string {
    return `${this.#prefix}:budget:${period}:key:${keyId}`;
  }

  /** The monthly counter of an account. */
  accountMonth(accountId: string): string {
    return `${this.#prefix}:month:acct:${accountId}`;
  }

  /** The monthly counter of a key. */
  keyMonth(keyId: string): string {
    return `${this.#prefix}:month:key:${keyId}`;
  }

  /** The counter of a scope (a key budget's for a daily or weekly one). */
  month(scope: MonthlyScope): string {
    if ('accountId' in scope) return this.accountMonth(scope.accountId);
    return scope.period === undefined ? this.keyMonth(scope.keyId) : this.keyBudget(scope.keyId, scope.period);
  }
}
