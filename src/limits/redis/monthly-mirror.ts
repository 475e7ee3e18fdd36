/**
 * @module The last monthly totals read from the shared backend for the accounts and keys this instance serves (and the
 * daily or weekly budgets of keys), so that if Redis goes away the local fallback starts from what was already spent
 * rather than from zero.
 *
 * While Redis answers, the scopes admissions touch are remembered and, every sync interval, read from Redis in the
 * background; the result becomes the scope's base and is seeded into the local backend's counters.
 */
import { isShortPeriod, type BudgetPeriod } from '../period.js';
import { scopeName, type LimiterBackend, type MonthlyScope, type MonthlyTotals } from '../types.js';
import { EMPTY_BASE, type MonthlyBase } from './local-share.js';

/** Scopes read per sync; the rest wait for the next one. */
const SYNC_BATCH = 1000;
/** Reads in flight at once during a sync. */
const SYNC_PARALLEL = 32;

interface Entry extends MonthlyBase {
  readonly month: string;
}

/** Monthly bases by scope. */
export class MonthlyMirror {
  readonly #bases = new Map<string, Entry>();
  readonly #touched = new Map<string, MonthlyScope>();

  /** Remembers the scopes of an admission that carries a spend part, for the next sync. */
  touch(accountId: string, keyId: string, budgetPeriod?: BudgetPeriod): void {
    const scopes: MonthlyScope[] = [{ accountId }, { keyId }];
    if (isShortPeriod(budgetPeriod)) scopes.push({ keyId, period: budgetPeriod });
    for (const scope of scopes) this.#touched.set(scopeName(scope), scope);
  }

  /** Whether any scope waits to be synced. */
  get pending(): boolean {
    return this.#touched.size > 0;
  }

  /** Stores totals read from the shared backend as the scope's base. */
  record(scope: MonthlyScope, totals: MonthlyTotals): MonthlyBase {
    const base: Entry = {
      month: totals.month,
      nanoUsd: totals.spentNanoUsd + totals.reservedNanoUsd,
      tokens: totals.tokens + totals.reservedTokens,
    };
    this.#bases.set(scopeName(scope), base);
    return base;
  }

  /** The base of a scope in `month`, its period's label (empty if unknown, or known only for another period). */
  base(scope: MonthlyScope, month: string): MonthlyBase {
    const entry = this.#bases.get(scopeName(scope));
    return entry === undefined || entry.month !== month ? EMPTY_BASE : entry;
  }

  /**
   * Reads up to a batch of touched scopes with `read` and seeds each into `local`. Stops at the first failure
   * (Redis went away: the caller degrades), putting the unread scopes back.
   */
  async sync(read: (scope: MonthlyScope) => Promise<MonthlyTotals>, local: LimiterBackend): Promise<void> {
    const batch = [...this.#touched].slice(0, SYNC_BATCH);
    for (const [key] of batch) this.#touched.delete(key);
    for (let start = 0; start < batch.length; start += SYNC_PARALLEL) {
      const chunk = batch.slice(start, start + SYNC_PARALLEL);
      try {
        await Promise.all(
          chunk.map(async ([, scope]) => {
            const base = this.record(scope, await read(scope));
            await local.seedMonthly(scope, base.nanoUsd, base.tokens);
          }),
        );
      } catch (error) {
        for (const [key, scope] of batch.slice(start)) this.#touched.set(key, scope);
        throw error;
      }
    }
  }
}
