/**
 * @module An exact sliding-window log: each admitted request (or token reservation) is one timestamped entry that
 * counts while `now < at + WINDOW_MS`. So any 60 s span holds at most `limit`, and an entry made at `t` frees its
 * share at exactly `t + 60 s`. Entries are kept in arrival order; the clock is assumed not to step back (if it
 * does, the window is briefly stricter, never looser).
 */
import { WINDOW_MS } from '../types.js';

interface LogEntry {
  readonly at: number;
  amount: number;
  readonly id: string | undefined;
}

/** Compact the backing array once this many pruned slots pile up at its head. */
const COMPACT_AFTER = 256;

/** Timestamped amounts in one sliding minute, with their running total. */
export class SlidingLog {
  #entries: LogEntry[] = [];
  #head = 0;
  #total = 0;
  readonly #byId = new Map<string, LogEntry>();

  /** Sum of the amounts in the window (as of the last `prune`). */
  get total(): number {
    return this.#total;
  }

  /** Number of entries in the window (as of the last `prune`). */
  get count(): number {
    return this.#entries.length - this.#head;
  }

  /** Drops the entries that have left the window at `now`. */
  prune(now: number): void {
    const entries = this.#entries;
    let head = this.#head;
    while (head < entries.length) {
      const entry = entries[head] as LogEntry;
      if (entry.at + WINDOW_MS > now) break;
      this.#total -= entry.amount;
      if (entry.id !== undefined) this.#byId.delete(entry.id);
      head += 1;
    }
    if (head === entries.length) {
      this.#entries = [];
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= entries.length) {
      this.#entries = entries.slice(head);
      head = 0;
    }
    this.#head = head;
  }

  /** Appends an entry; `id` makes it adjustable later. */
  add(at: number, amount: number, id?: string): void {
    const entry: LogEntry = { at, amount, id };
    this.#entries.push(entry);
    this.#total += amount;
    if (id !== undefined) this.#byId.set(id, entry);
  }

  /** Sets the amount of a still-counted entry; false once it has left the window. */
  adjust(id: string, amount: number): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    this.#total += amount - entry.amount;
    entry.amount = amount;
    return true;
  }

  /**
   * Ms from `now` until `need` more fits under `limit` (0: it fits now), assuming nothing else arrives;
   * null if it can never fit (`need > limit`). Call `prune(now)` first.
   */
  waitMs(need: number, limit: number, now: number): number | null {
    if (this.#total + need <= limit) return 0;
    if (need > limit) return null;
    let remaining = this.#total;
    for (let index = this.#head; index < this.#entries.length; index += 1) {
      const entry = this.#entries[index] as LogEntry;
      remaining -= entry.amount;
      if (remaining + need <= limit) return entry.at + WINDOW_MS - now;
    }
    return null;
  }

  /** Ms until the oldest entry leaves the window; 0 when empty. Call `prune(now)` first. */
  oldestExpiresInMs(now: number): number {
    const oldest = this.#entries[this.#head];
    return oldest === undefined ? 0 : oldest.at + WINDOW_MS - now;
  }
}
