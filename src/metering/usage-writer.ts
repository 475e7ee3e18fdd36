/**
 * @module The batched ledger writer: the request pipeline hands it one row per request without waiting, and it
 * writes them to a sink in batches, one transaction each, off the response path.
 */
import type { UsageLedger, UsageLedgerStats, UsageSink } from './ledger.js';
import type { UsageRecord } from './usage-record.js';

/** Runs `callback` once after `ms` and returns a function that cancels it; injectable for tests. */
export type ScheduleTimer = (callback: () => void, ms: number) => () => void;

/** How a {@link UsageWriter} batches and what it does when the sink fails. */
export interface UsageWriterOptions {
  sink: UsageSink;
  /** The longest a row waits before a write starts, in ms. Default 100. */
  flushMs?: number;
  /** Rows per transaction; a write starts as soon as this many are buffered. Default 100. */
  maxBatch?: number;
  /** Rows kept while the sink fails; beyond it the oldest are dropped and counted. Default 100,000. */
  maxPending?: number;
  /** Told about every failed write (the rows are kept and retried). Must not throw; if it does, it is ignored. */
  onError?: (error: unknown) => void;
  /** Defaults to `setTimeout`, unref'd so a pending flush never keeps the process alive. */
  schedule?: ScheduleTimer;
}

/** Default of {@link UsageWriterOptions.flushMs}. */
export const DEFAULT_FLUSH_MS = 100;
/**
 * Default of {@link UsageWriterOptions.maxBatch}. SQLite writes on the event loop, ~5 µs a row: 100 rows hold it
 * about half a millisecond, a pause the latency tail can afford; batches beyond that gain little.
 */
export const DEFAULT_MAX_BATCH = 100;
/** Default of {@link UsageWriterOptions.maxPending}: about 50 MB of rows, minutes of traffic at 1,000 req/s. */
export const DEFAULT_MAX_PENDING = 100_000;

const scheduleUnref: ScheduleTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Buffers rows and writes them in batches of at most `maxBatch`, each in one transaction: `flushMs` after the
 * first buffered row, or at once when `maxBatch` are buffered, whichever comes first. One write runs at a time.
 *
 * A failed write puts its rows back at the head of the buffer and is retried `flushMs` later (size-triggered
 * writes pause until then, so a down database is not hammered). While the sink keeps failing the buffer grows
 * to `maxPending` rows; past that the oldest rows are dropped and counted in `stats().dropped`, trading the
 * oldest history for bounded memory.
 *
 * @example
 * const writer = new UsageWriter({ sink: createStoreUsageSink(store), onError: (e) => log.error(e) });
 * writer.record(createUsageRecord(facts));
 * await writer.close(); // on shutdown, after in-flight requests have settled
 */
export class UsageWriter implements UsageLedger {
  readonly #sink: UsageSink;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #onError: (error: unknown) => void;
  readonly #schedule: ScheduleTimer;
  readonly #queue = new RowQueue();
  /** Rows recorded and not yet written (buffered or in flight), by request id: what a request lookup finds first. */
  readonly #pending = new Map<string, UsageRecord>();
  #inFlight: Promise<boolean> | undefined;
  #inFlightRows = 0;
  /** Cancels the pending timer; undefined when none is pending. */
  #cancelTimer: (() => void) | undefined;
  #draining = false;
  #kickScheduled = false;
  #backingOff = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #lastError: unknown;
  #written = 0;
  #dropped = 0;
  #failures = 0;

  constructor(options: UsageWriterOptions) {
    this.#sink = options.sink;
    this.#flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    this.#maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.#maxPending = Math.max(this.#maxBatch, options.maxPending ?? DEFAULT_MAX_PENDING);
    this.#onError = options.onError ?? ((): void => undefined);
    this.#schedule = options.schedule ?? scheduleUnref;
  }

  /**
   * Buffers a row: synchronous, O(1), never throws, never waits. After `close()` rows are still accepted and
   * written at once (no batching timer), so a request that settles late is not lost.
   */
  record(row: UsageRecord): void {
    this.#queue.push(row);
    this.#pending.set(row.requestId, row);
    this.#enforceCapacity();
    if (this.#closed) this.#scheduleKick();
    else if (this.#queue.size >= this.#maxBatch && !this.#backingOff) this.#scheduleKick();
    else this.#armTimer();
  }

  /** Writes every row recorded so far, in batches. Rejects with the sink's error if a write fails; rows are kept. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#inFlight !== undefined) {
        await this.#inFlight;
        continue;
      }
      if (this.#queue.size === 0) return;
      if (!(await this.#writeNext())) throw this.#lastError;
    }
  }

  /**
   * Stops the timer and writes every row. Calling it again while it runs, or after it succeeded, returns the same
   * promise; after a failure, calling it again retries.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    this.#closing ??= this.flush().catch((error: unknown) => {
      this.#closing = undefined;
      throw error;
    });
    return this.#closing;
  }

  findPending(requestId: string): UsageRecord | undefined {
    return this.#pending.get(requestId);
  }

  /** Counts of written, pending, dropped rows and failed writes. */
  stats(): UsageLedgerStats {
    return {
      written: this.#written,
      pending: this.#queue.size + this.#inFlightRows,
      dropped: this.#dropped,
      failures: this.#failures,
    };
  }

  /** Starts one write of up to `maxBatch` rows, or joins the one in progress; resolves to whether it succeeded. */
  #writeNext(): Promise<boolean> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const batch = this.#queue.take(this.#maxBatch);
    if (batch.length === 0) return Promise.resolve(true);
    this.#inFlightRows = batch.length;
    const write = Promise.resolve()
      .then(() => this.#sink.write(batch))
      .then(
        () => {
          this.#endWrite();
          this.#written += batch.length;
          this.#forget(batch);
          return true;
        },
        (error: unknown) => {
          this.#endWrite();
          this.#failures += 1;
          this.#lastError = error;
          this.#queue.putBack(batch);
          this.#enforceCapacity();
          this.#backingOff = true;
          this.#armTimer();
          this.#report(error);
          return false;
        },
      );
    this.#inFlight = write;
    return write;
  }

  #endWrite(): void {
    this.#inFlight = undefined;
    this.#inFlightRows = 0;
  }

  /**
   * Writes batches until the buffer is empty or a write fails (which arms the retry timer), letting the event loop
   * serve requests between batches: a backlog never blocks it for longer than one batch.
   */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.size > 0) {
        if (!(await this.#writeNext())) return;
        if (this.#queue.size > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#draining = false;
    }
  }

  #scheduleKick(): void {
    if (this.#kickScheduled || this.#draining) return;
    this.#kickScheduled = true;
    queueMicrotask(() => {
      this.#kickScheduled = false;
      void this.#drain();
    });
  }

  #armTimer(): void {
    if (this.#cancelTimer !== undefined || this.#closed) return;
    this.#cancelTimer = this.#schedule(() => {
      this.#cancelTimer = undefined;
      this.#backingOff = false;
      void this.#drain();
    }, this.#flushMs);
  }

  #clearTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #enforceCapacity(): void {
    const excess = this.#queue.size + this.#inFlightRows - this.#maxPending;
    if (excess <= 0) return;
    const dropped = this.#queue.dropOldest(excess);
    this.#dropped += dropped.length;
    this.#forget(dropped);
  }

  /** Rows written or dropped are no longer pending (unless a later row of the same request replaced them). */
  #forget(rows: readonly UsageRecord[]): void {
    for (const row of rows) {
      if (this.#pending.get(row.requestId) === row) this.#pending.delete(row.requestId);
    }
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A faulty error callback must not break the retry loop; there is nowhere left to report it.
    }
  }
}

/** A FIFO of rows with O(1) amortised push, take and drop (an array plus a head index, compacted lazily). */
class RowQueue {
  #rows: UsageRecord[] = [];
  #head = 0;

  get size(): number {
    return this.#rows.length - this.#head;
  }

  push(row: UsageRecord): void {
    this.#rows.push(row);
  }

  /** Removes and returns up to `count` rows from the head. */
  take(count: number): UsageRecord[] {
    const taken = this.#rows.slice(this.#head, this.#head + count);
    this.#head += taken.length;
    this.#compact();
    return taken;
  }

  /** Puts rows back at the head, ahead of everything buffered since they were taken. */
  putBack(rows: readonly UsageRecord[]): void {
    this.#rows = [...rows, ...this.#rows.slice(this.#head)];
    this.#head = 0;
  }

  /** Drops up to `count` rows from the head; returns them. */
  dropOldest(count: number): UsageRecord[] {
    const dropped = this.#rows.slice(this.#head, this.#head + Math.min(count, this.size));
    this.#head += dropped.length;
    this.#compact();
    return dropped;
  }

  #compact(): void {
    if (this.#head === this.#rows.length) {
      this.#rows = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#rows.length) {
      this.#rows = this.#rows.slice(this.#head);
      this.#head = 0;
    }
  }
}
