/**
 * @module Calendar months in UTC, the period of spend caps, included tokens and the dashboard's month totals: the one
 * place month boundaries are computed (budget periods, metering's monthly reads and the limiter backends use it).
 */
import type { PeriodBounds } from './period.js';

/** The UTC calendar month containing `ms`: its first instant, and the next month's first (exclusive). */
export function monthBounds(ms: number): PeriodBounds {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
}

/** `YYYY-MM` of the UTC month containing `ms`. */
export function monthOf(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * `monthOf` with the current month's bounds cached, so the hot path pays two comparisons instead of a `Date`.
 */
export class MonthCache {
  #start = 0;
  #end = -1;
  #label = '';

  /** The month label for `ms`. */
  at(ms: number): string {
    if (ms >= this.#start && ms < this.#end) return this.#label;
    const { startMs, endMs } = monthBounds(ms);
    this.#start = startMs;
    this.#end = endMs;
    this.#label = monthOf(ms);
    return this.#label;
  }
}
