/** @module Calendar months in UTC, the period of spend caps and included tokens. */

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
    const date = new Date(ms);
    this.#start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    this.#end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    this.#label = monthOf(ms);
    return this.#label;
  }
}
