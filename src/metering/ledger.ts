/**
 * @module The usage ledger's interfaces and its store-backed pieces: where batches of rows go (a sink), what the
 * request pipeline calls (a ledger), and the charged totals admission seeds its counters from on a scope's first
 * use. The reports read back for people (dashboard, CLI) are in `reports.ts`.
 * One process on SQLite uses the store sink; the scale-out issue adds a PostgreSQL store behind the same sink.
 */
import type { Kysely } from 'kysely';
import { periodBounds } from '../limits/period.js';
import { scopePeriod, type MonthlyScope } from '../limits/types.js';
import { monthlyChargedTotals, type ChargedTotals, type Database, type Store, type UsageRecord } from '../store/index.js';

/** Where batches of ledger rows are written. */
export interface UsageSink {
  /** Stores every row or none; a rejection means nothing was stored and the batch may be retried as is. */
  write(rows: readonly UsageRecord[]): Promise<void>;
}

/** How many rows a ledger has handled. */
export interface UsageLedgerStats {
  /** Rows stored. */
  written: number;
  /** Rows recorded but not yet stored (buffered or in a write in progress). */
  pending: number;
  /** Rows discarded because the buffer was full while the sink kept failing. */
  dropped: number;
  /** Failed batch writes (each is retried). */
  failures: number;
}

/** The ledger as the request pipeline sees it. */
export interface UsageLedger {
  /** Accepts a row for writing. Synchronous, O(1); never throws and never waits for I/O. */
  record(row: UsageRecord): void;
  /** Writes every row recorded so far. Rejects with the sink's error if a write fails (the rows are kept). */
  flush(): Promise<void>;
  /** Stops background writing and writes every row; call it on shutdown after in-flight requests have settled. */
  close(): Promise<void>;
  stats(): UsageLedgerStats;
  /** The row of a request recorded but not yet written (buffered, or in a write not yet committed); O(1). */
  findPending(requestId: string): UsageRecord | undefined;
}

/** A sink that inserts each batch into the store's `usage` table in one transaction. */
export function createStoreUsageSink(store: Pick<Store, 'insertUsage'>): UsageSink {
  return {
    write: (rows) => store.insertUsage(rows),
  };
}

/** A sink that keeps rows in memory: the ledger of tests and of runs without a store. */
export class MemoryUsageSink implements UsageSink {
  /** Every row written, in order. */
  readonly rows: UsageRecord[] = [];

  /** Appends the rows. */
  async write(rows: readonly UsageRecord[]): Promise<void> {
    this.rows.push(...rows);
  }
}

/** The UTC calendar month containing `ms`, as ISO-8601 bounds (start inclusive, end exclusive). */
export interface MonthBounds {
  startIso: string;
  endIso: string;
}

/** The UTC month containing `ms` (the period of spend caps and included tokens). */
export function monthBounds(ms: number): MonthBounds {
  const { startMs, endMs } = periodBounds('monthly', ms);
  return { startIso: new Date(startMs).toISOString(), endIso: new Date(endMs).toISOString() };
}

/**
 * Charged (non-BYOK) cost and tokens of one account or key in the month containing `nowMs` (for a key's daily or
 * weekly budget, in that day or ISO week): what admission's counter for that scope is raised to on its first use
 * (see `limits/monthly-seeder.ts`).
 */
export async function loadMonthlyCharge(db: Kysely<Database>, scope: MonthlyScope, nowMs: number): Promise<ChargedTotals> {
  const { startMs, endMs } = periodBounds(scopePeriod(scope), nowMs);
  return monthlyChargedTotals(db, scope, new Date(startMs).toISOString(), new Date(endMs).toISOString());
}
