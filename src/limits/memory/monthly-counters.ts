/**
 * @module Spend and token counters in memory, by account id or by key id (one instance per kind). A counter belongs
 * to one period, named by its label (`period.ts`): a UTC month for accounts, keys and monthly key budgets, a day or
 * an ISO week for a key's daily or weekly budget. Touching it in a later period starts it again from zero, and
 * reservations made in an earlier period are settled into that period only (that is, dropped once it has passed).
 * The `month` names below are such labels.
 */
import type { ActualUsage, MonthlyTotals, Reservation } from '../types.js';
import { IncrementalSweep } from './incremental-sweep.js';

/** One account's or key's mutable counter. */
export interface Counter {
  month: string;
  spentNanoUsd: number;
  reservedNanoUsd: number;
  tokens: number;
  reservedTokens: number;
}

/** Counters by id. */
export class MonthlyCounters {
  readonly #counters = new Map<string, Counter>();
  readonly #sweep = new IncrementalSweep(this.#counters);
  /** The month the current sweep pass runs for, and the last month a whole pass completed in. */
  #passMonth = '';
  #cleanMonth = '';

  /** Number of counters held. */
  get size(): number {
    return this.#counters.size;
  }

  /** The counter for `id` in `month`, created (or restarted, if from an earlier month) as needed. */
  current(id: string, month: string): Counter {
    const counter = this.#counters.get(id);
    if (counter !== undefined && counter.month === month) return counter;
    const fresh: Counter = { month, spentNanoUsd: 0, reservedNanoUsd: 0, tokens: 0, reservedTokens: 0 };
    this.#counters.set(id, fresh);
    return fresh;
  }

  /** Spent + reserved nano-USD of `id` in `month`. */
  committedNanoUsd(id: string, month: string): number {
    const counter = this.#counters.get(id);
    return counter === undefined || counter.month !== month ? 0 : counter.spentNanoUsd + counter.reservedNanoUsd;
  }

  /** Used + reserved tokens of `id` in `month`. */
  committedTokens(id: string, month: string): number {
    const counter = this.#counters.get(id);
    return counter === undefined || counter.month !== month ? 0 : counter.tokens + counter.reservedTokens;
  }

  /** A copy of the counter for `id` in `month`, zeros if there is none. */
  read(id: string, month: string): MonthlyTotals {
    const counter = this.#counters.get(id);
    if (counter === undefined || counter.month !== month) {
      return { month, spentNanoUsd: 0, reservedNanoUsd: 0, tokens: 0, reservedTokens: 0 };
    }
    return { ...counter };
  }

  /** Adds a reservation to `id`'s counter for `month`. */
  reserve(id: string, month: string, costNanoUsd: number, tokens: number): void {
    const counter = this.current(id, month);
    counter.reservedNanoUsd += costNanoUsd;
    counter.reservedTokens += tokens;
  }

  /**
   * Moves a reservation out of `reserved` and adds what was actually used, if the period it was reserved in (`month`:
   * the reservation's month, or its budget's label) is still current.
   */
  settle(id: string, month: string, reservation: Reservation, actual: ActualUsage | null): void {
    const counter = this.#counters.get(id);
    const spend = reservation.spend;
    if (counter === undefined || spend === null || counter.month !== month) return;
    counter.reservedNanoUsd -= spend.costNanoUsd;
    counter.reservedTokens -= reservation.tokens;
    counter.spentNanoUsd += actual?.costNanoUsd ?? 0;
    counter.tokens += actual?.tokens ?? 0;
  }

  /**
   * Examines up to `budget` counters, dropping those of other months than `month` and those holding nothing, until
   * one whole pass has run in `month`; then it does nothing until the month changes. Counters thus number at most
   * the accounts and keys used this month (plus, briefly after a rollover, last month's).
   */
  sweep(month: string, budget: number): void {
    if (month === this.#cleanMonth) return;
    if (month !== this.#passMonth) {
      this.#passMonth = month;
      this.#sweep.restart();
    }
    if (this.#sweep.step(budget, (c) => c.month !== month || isEmpty(c))) this.#cleanMonth = month;
  }
}

function isEmpty(c: Counter): boolean {
  return c.spentNanoUsd === 0 && c.reservedNanoUsd === 0 && c.tokens === 0 && c.reservedTokens === 0;
}
