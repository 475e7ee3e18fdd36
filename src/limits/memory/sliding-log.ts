/**
 * @module An exact sliding-window log: each admitted request (or token reservation) is one timestamped entry that
 * counts while `now < at + WINDOW_MS`. So any 60 s span holds at most `limit`, and an entry made at `t` frees its
 * share at exactly `t + 60 s`. Entries are kept in arrival order; the clock is assumed not to step back (if it
 * does, the window is briefly stricter, never looser).
 *
 * Entries live in a ring of typed arrays rather than one object each: a busy gateway holds a minute of them, and
 * objects that survive that long cost the garbage collector far more than the bookkeeping itself.
 */
import { WINDOW_MS } from '../types.js';

const MIN_CAPACITY = 8;

/** Tells logs apart, so a sequence number from a log that has been dropped and replaced is refused. */
let nextEpoch = 0;

/** Timestamped amounts in one sliding minute, with their running total. */
export class SlidingLog {
  #at = new Float64Array(MIN_CAPACITY);
  #amount = new Float64Array(MIN_CAPACITY);
  /** Unique to this log in the process: with a sequence number it names one entry for good. */
  readonly epoch = nextEpoch++;
  /** Ring index of the oldest entry, number of entries, and the sequence number of the oldest entry. */
  #start = 0;
  #count = 0;
  #firstSeq = 0;
  #total = 0;

  /** Sum of the amounts in the window (as of the last `prune`). */
  get total(): number {
    return this.#total;
  }

  /** Number of entries in the window (as of the last `prune`). */
  get count(): number {
    return this.#count;
  }

  /** Drops the entries that have left the window at `now`. */
  prune(now: number): void {
    const mask = this.#at.length - 1;
    while (this.#count > 0 && (this.#at[this.#start] as number) + WINDOW_MS <= now) {
      this.#total -= this.#amount[this.#start] as number;
      this.#start = (this.#start + 1) & mask;
      this.#count -= 1;
      this.#firstSeq += 1;
    }
    if (this.#count * 4 < this.#at.length && this.#at.length > MIN_CAPACITY) this.#resize(this.#at.length / 2);
  }

  /** Appends an entry and returns its sequence number, which with the log's `epoch` makes it adjustable later. */
  add(at: number, amount: number): number {
    if (this.#count === this.#at.length) this.#resize(this.#at.length * 2);
    const index = (this.#start + this.#count) & (this.#at.length - 1);
    this.#at[index] = at;
    this.#amount[index] = amount;
    this.#count += 1;
    this.#total += amount;
    return this.#firstSeq + this.#count - 1;
  }

  /**
   * Sets the amount of the entry `add` numbered `seq` in the log of `epoch`; false once it has left the window, or
   * when `epoch` is another log's. (Numbers rather than a map by request id: a map per account churning a minute of
   * ids costs more than the whole admission, and at thousands of requests a second a minute of id strings is tens
   * of megabytes.)
   */
  adjust(seq: number, epoch: number, amount: number): boolean {
    const offset = seq - this.#firstSeq;
    if (epoch !== this.epoch || offset < 0 || offset >= this.#count) return false;
    const index = (this.#start + offset) & (this.#at.length - 1);
    this.#total += amount - (this.#amount[index] as number);
    this.#amount[index] = amount;
    return true;
  }

  /**
   * Ms from `now` until `need` more fits under `limit` (0: it fits now), assuming nothing else arrives;
   * null if it can never fit (`need > limit`). Call `prune(now)` first.
   */
  waitMs(need: number, limit: number, now: number): number | null {
    if (this.#total + need <= limit) return 0;
    if (need > limit) return null;
    const mask = this.#at.length - 1;
    let remaining = this.#total;
    for (let offset = 0; offset < this.#count; offset += 1) {
      const index = (this.#start + offset) & mask;
      remaining -= this.#amount[index] as number;
      if (remaining + need <= limit) return (this.#at[index] as number) + WINDOW_MS - now;
    }
    return null;
  }

  /** True when no entry counts at `now` (without pruning, so it is cheap to ask of an account not in use). */
  isEmptyAt(now: number): boolean {
    if (this.#count === 0) return true;
    const newest = (this.#start + this.#count - 1) & (this.#at.length - 1);
    return (this.#at[newest] as number) + WINDOW_MS <= now;
  }

  /** Ms until the oldest entry leaves the window; 0 when empty. Call `prune(now)` first. */
  oldestExpiresInMs(now: number): number {
    return this.#count === 0 ? 0 : (this.#at[this.#start] as number) + WINDOW_MS - now;
  }

  /** Copies the entries, oldest first, into rings of `capacity` (a power of two ≥ count). */
  #resize(capacity: number): void {
    const at = new Float64Array(capacity);
    const amount = new Float64Array(capacity);
    const mask = this.#at.length - 1;
    for (let offset = 0; offset < this.#count; offset += 1) {
      const index = (this.#start + offset) & mask;
      at[offset] = this.#at[index] as number;
      amount[offset] = this.#amount[index] as number;
    }
    this.#at = at;
    this.#amount = amount;
    this.#start = 0;
  }
}
