/**
 * @module How many ledger rows refused requests may write, per key and minute. Every request normally gets a row,
 * but refusals cost the refuser nothing upstream, so a key sending thousands of bad or over-limit requests a second
 * would otherwise grow the ledger (and the dashboard's request log) as fast as it can send. Past the budget the
 * refusals are still answered and counted in `/metrics` (`op_refused_rows_dropped_total`), just not written.
 *
 * Per process and per fixed minute: a budget, not an exact limit, so no shared state is needed for it.
 */

const MINUTE_MS = 60_000;

/** Above this many keys tracked, those whose minute has passed are dropped before adding another. */
const SWEEP_THRESHOLD = 10_000;

/** Counts refused rows per key in fixed one-minute windows. */
export class RefusedRowBudget {
  readonly #perMinute: number;
  readonly #now: () => number;
  /** Per key: the window's start (ms) and the rows written in it. */
  readonly #windows = new Map<string, { start: number; rows: number }>();

  constructor(perMinute: number, now: () => number) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** Takes one row from `keyId`'s budget; false when this minute's is spent. */
  take(keyId: string): boolean {
    const now = this.#now();
    let window = this.#windows.get(keyId);
    if (window === undefined || now - window.start >= MINUTE_MS) {
      if (window === undefined && this.#windows.size >= SWEEP_THRESHOLD) this.#sweep(now);
      window = { start: now, rows: 0 };
      this.#windows.set(keyId, window);
    }
    if (window.rows >= this.#perMinute) return false;
    window.rows += 1;
    return true;
  }

  #sweep(now: number): void {
    for (const [keyId, window] of this.#windows) if (now - window.start >= MINUTE_MS) this.#windows.delete(keyId);
  }
}
