/**
 * @module What a degraded instance owes the shared backend once it answers again:
 *
 * - finishes of reservations Redis made (settle or refund), including a refund for each admission that timed out
 *   (it may have run after all). The finish script is idempotent, so replaying one that did run changes nothing.
 * - usage settled on reservations made locally, added to Redis's monthly counters so the caps count it.
 *
 * Local rate-window hits and leases are never replayed: they expire within a minute (leases: when finished locally).
 */
import { isShortPeriod } from '../period.js';
import { scopeName, type ActualUsage, type MonthlyScope, type Reservation } from '../types.js';

/** Finishes kept at most; past that the oldest are dropped (their leases expire at their TTL in Redis). */
export const MAX_PENDING_FINISHES = 10_000;

/** A finish to replay. */
export interface PendingFinish {
  readonly reservation: Reservation;
  readonly actual: ActualUsage | null;
}

/** Locally settled usage of one scope in one month (or, for a key's daily or weekly budget, one day or week). */
export interface PendingUsage {
  readonly scope: MonthlyScope;
  /** The label of the period the usage counts in. */
  readonly month: string;
  nanoUsd: number;
  tokens: number;
}

/** The queue of owed finishes and usage. */
export class ReplayQueue {
  readonly #finishes: PendingFinish[] = [];
  readonly #usage = new Map<string, PendingUsage>();
  #dropped = 0;

  /** Finishes dropped for lack of room since the last {@link takeDropped}. */
  takeDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  /** Number of finishes and usage entries owed. */
  get size(): number {
    return this.#finishes.length + this.#usage.size;
  }

  /** Queues a finish of a reservation Redis holds. */
  addFinish(finish: PendingFinish): void {
    if (this.#finishes.length >= MAX_PENDING_FINISHES) {
      this.#finishes.shift();
      this.#dropped += 1;
    }
    this.#finishes.push(finish);
  }

  /** Adds usage settled locally for the account's and the key's counters (and the key's daily or weekly budget's). */
  addUsage(reservation: Reservation, actual: ActualUsage): void {
    this.#addScope({ accountId: reservation.accountId }, reservation.month, actual);
    this.#addScope({ keyId: reservation.keyId }, reservation.month, actual);
    const period = reservation.spend?.keyBudget?.period;
    const label = reservation.budgetLabel ?? null;
    if (isShortPeriod(period) && label !== null) this.#addScope({ keyId: reservation.keyId, period }, label, actual);
  }

  /**
   * Replays the queued finishes, oldest first, removing each once its call succeeded; the first failure stops the
   * replay and is thrown, leaving the rest queued. Finishes are queued only for reservations Redis made, and no new
   * ones are made while degraded, so this ends even while requests keep arriving.
   */
  async replayFinishes(finish: (entry: PendingFinish) => Promise<unknown>): Promise<void> {
    for (let next = this.#finishes[0]; next !== undefined; next = this.#finishes[0]) {
      await finish(next);
      this.#finishes.shift();
    }
  }

  /** Replays the usage entries as {@link replayFinishes} replays finishes. */
  async replayUsage(addUsage: (entry: PendingUsage) => Promise<unknown>): Promise<void> {
    for (let next = firstOf(this.#usage); next !== undefined; next = firstOf(this.#usage)) {
      // Taken out while in flight, so usage added meanwhile starts a new entry instead of being lost with this one.
      const [key, entry] = next;
      this.#usage.delete(key);
      try {
        await addUsage(entry);
      } catch (error) {
        this.#merge(key, entry);
        throw error;
      }
    }
  }

  #addScope(scope: MonthlyScope, month: string, actual: ActualUsage): void {
    const key = `${month}|${scopeName(scope)}`;
    this.#merge(key, { scope, month, nanoUsd: actual.costNanoUsd, tokens: actual.tokens });
  }

  #merge(key: string, entry: PendingUsage): void {
    const held = this.#usage.get(key);
    if (held === undefined) {
      this.#usage.set(key, { ...entry });
      return;
    }
    held.nanoUsd += entry.nanoUsd;
    held.tokens += entry.tokens;
  }
}

function firstOf<K, V>(map: Map<K, V>): [K, V] | undefined {
  return map.entries().next().value;
}
