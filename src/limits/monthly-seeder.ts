/**
 * @module Loads an account's or a key's charges of the month into the spend counters on its first use by this
 * instance, instead of for every account and key at start (which made start time and memory grow with them).
 *
 * Before admitting a request that spends, admission asks the seeder for its account and key: the first time in a
 * month, the ledger's totals are read (one query per scope, shared by every request waiting on it) and the backend's
 * counter is raised to them (`LimiterBackend.raiseMonthly`, idempotent across instances); afterwards it is a
 * lookup in memory. Scopes remembered are bounded (least recently used forgotten: a forgotten one is read again).
 * When the shared backend is down, the raise lands locally only and is tried again after {@link RETRY_MS}.
 *
 * A key with a daily or weekly budget has a third counter, loaded the same way from the ledger's charges since the
 * start of the current day or week (a monthly budget shares the key's monthly counter).
 */
import { LruMap } from '../core/lru-map.js';
import { GatewayError } from '../core/gateway-error.js';
import { MonthCache } from './month.js';
import { usdToNanos } from './money.js';
import { isShortPeriod, periodLabel, type BudgetPeriod } from './period.js';
import { scopeName, type LimiterBackend, type MonthlyScope } from './types.js';

/** A scope's charged cost and tokens in its current period (the month, or the budget's day or week), from the ledger. */
export interface MonthlyCharge {
  readonly costUsd: number;
  readonly tokens: number;
}

/** What a {@link MonthlySeeder} needs. */
export interface MonthlySeederDeps {
  readonly backend: Pick<LimiterBackend, 'raiseMonthly'>;
  /** The ledger's totals of the scope in its period (`scopePeriod`) containing `nowMs`. */
  readonly load: (scope: MonthlyScope, nowMs: number) => Promise<MonthlyCharge>;
  readonly now: () => number;
  /** Scopes remembered as loaded (default 200,000). */
  readonly capacity?: number;
}

/** How long a raise that reached only the local stand-in waits before it is tried again. */
export const RETRY_MS = 10_000;

/** Loaded (true), loading (the shared promise) or raised locally only (the time to try again). */
type SeedState = true | Promise<void> | number;

/** First-use loading of monthly charges; see the module comment. */
export class MonthlySeeder {
  readonly #deps: MonthlySeederDeps;
  readonly #months = new MonthCache();
  readonly #states: LruMap<string, SeedState>;

  constructor(deps: MonthlySeederDeps) {
    this.#deps = deps;
    this.#states = new LruMap(deps.capacity ?? 200_000);
  }

  /**
   * Undefined when the scopes are loaded this period (the common case: no promise); otherwise a promise that
   * resolves once they are, or rejects with a 503 {@link GatewayError} when the ledger cannot be read.
   * @param budgetPeriod the period of the key's budget, if it has one: a daily or weekly one is loaded too.
   */
  ensure(accountId: string, keyId: string, budgetPeriod?: BudgetPeriod | null): Promise<void> | undefined {
    const now = this.#deps.now();
    const month = this.#months.at(now);
    const account = this.#ensure({ accountId }, `${month} ${scopeName({ accountId })}`, now);
    const key = this.#ensure({ keyId }, `${month} ${scopeName({ keyId })}`, now);
    const budget = isShortPeriod(budgetPeriod) ? { keyId, period: budgetPeriod } : undefined;
    const short = budget === undefined ? undefined : this.#ensure(budget, `${periodLabel(budget.period, now)} ${scopeName(budget)}`, now);
    if (account === undefined && key === undefined && short === undefined) return undefined;
    return Promise.all([account, key, short]).then(() => undefined);
  }

  #ensure(scope: MonthlyScope, id: string, now: number): Promise<void> | undefined {
    const state = this.#states.get(id);
    if (state === true) return undefined;
    if (state instanceof Promise) return state;
    if (state !== undefined && now < state) return undefined;
    const loading = this.#load(scope, id, now);
    this.#states.set(id, loading);
    return loading;
  }

  async #load(scope: MonthlyScope, id: string, now: number): Promise<void> {
    try {
      const charge = await this.#deps.load(scope, now);
      const shared = await this.#deps.backend.raiseMonthly(scope, usdToNanos(charge.costUsd), charge.tokens);
      this.#states.set(id, shared ? true : now + RETRY_MS);
    } catch (error) {
      this.#states.delete(id);
      throw new GatewayError(503, 'internal_error', "Could not read this month's usage for the spend limits; retry shortly.", {
        retryAfterSeconds: 1,
        cause: error,
      });
    }
  }
}
