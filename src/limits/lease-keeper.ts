/**
 * @module Keeps the concurrency leases of running requests alive, whatever the backend: each lease is renewed
 * every third of its TTL until its ticket ends, all of them on one timer. The TTL then measures how long a dead
 * holder (a crashed instance, a ticket nobody ended) blocks a slot, not how long a request may run: a stream that
 * outlives the TTL keeps its slot, on every instance sharing the limits.
 */
import type { LimiterBackend, Reservation } from './types.js';

/** A lease being kept alive: its TTL and when it was last admitted or renewed. */
interface LiveLease {
  readonly ttlMs: number;
  renewedAt: number;
}

/** Renewals are never closer together than this, whatever the TTL. */
const MIN_RENEW_INTERVAL_MS = 25;

/** Renews held leases through `backend`; `now` (ms) decides when a lease is due. */
export class LeaseKeeper {
  readonly #backend: LimiterBackend;
  readonly #now: () => number;
  readonly #live = new Map<Reservation, LiveLease>();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(backend: LimiterBackend, now: () => number = Date.now) {
    this.#backend = backend;
    this.#now = now;
  }

  /** Leases being kept alive. */
  get size(): number {
    return this.#live.size;
  }

  /** Starts renewing a lease just admitted with `ttlMs`. */
  hold(reservation: Reservation, ttlMs: number): void {
    this.#live.set(reservation, { ttlMs, renewedAt: this.#now() });
    this.#schedule();
  }

  /**
   * Stops renewing a lease (its ticket is ending). The timer is left to run out even when nothing is left to
   * renew: clearing and re-arming it would cost a timer per request at low concurrency.
   */
  release(reservation: Reservation): void {
    this.#live.delete(reservation);
  }

  /** Resolves when no renewal is in flight (for an orderly shutdown of the backend). */
  async settled(): Promise<void> {
    await this.#renewing;
  }

  /** One timer for all live leases, due when the earliest of them needs renewing. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#renewing !== undefined || this.#live.size === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (const lease of this.#live.values()) due = Math.min(due, lease.renewedAt + renewInterval(lease.ttlMs));
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#renewing = this.#renewDue().finally(() => {
          this.#renewing = undefined;
          this.#schedule();
        });
      },
      Math.max(MIN_RENEW_INTERVAL_MS, due - this.#now()),
    );
    // A pending renewal never keeps the process alive: a process that is exiting holds no requests.
    this.#timer.unref();
  }

  /**
   * Renews every due lease; one the backend reports gone (expired, or finished meanwhile) is dropped, one it could
   * not renew just now (an error) is tried again next round.
   */
  async #renewDue(): Promise<void> {
    const now = this.#now();
    const due = [...this.#live].filter(([, lease]) => now - lease.renewedAt >= renewInterval(lease.ttlMs) - MIN_RENEW_INTERVAL_MS);
    await Promise.all(
      due.map(async ([reservation, lease]) => {
        const renewed = await this.#backend.renew(reservation, lease.ttlMs).catch(() => true);
        if (renewed) lease.renewedAt = this.#now();
        else this.#live.delete(reservation);
      }),
    );
  }
}

/** How often a lease with this TTL is renewed: a third of it, so two renewals can fail or be late before it lapses. */
function renewInterval(ttlMs: number): number {
  return Math.max(MIN_RENEW_INTERVAL_MS, Math.floor(ttlMs / 3));
}
