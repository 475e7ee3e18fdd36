/**
 * @module One account's short-lived limiter state in memory: its rpm and tpm windows and its concurrency leases. A
 * key with rpm or tpm limits of its own has windows of this kind too (holding no leases).
 */
import type { WindowSnapshot } from '../types.js';
import { snapshotOf, type WindowCounts } from '../window.js';
import { SlidingLog } from './sliding-log.js';

/** A concurrency lease: when it expires, and how many slots it holds (its request's parallel upstream calls). */
interface Lease {
  expiresAt: number;
  readonly slots: number;
}

/** The rpm log, the tpm log and the live leases of one account. */
export class AccountWindows {
  readonly requests = new SlidingLog();
  readonly tokens = new SlidingLog();
  readonly #leases = new Map<string, Lease>();
  /** Slots held by the leases in {@link #leases}, expired ones included until dropped. */
  #slots = 0;

  /** Prunes both windows to `now`. */
  prune(now: number): void {
    this.requests.prune(now);
    this.tokens.prune(now);
  }

  /**
   * Slots held by live leases at `now`. Expired ones are dropped only when they could matter (`slots` more would
   * pass `limit`), so the common path is one comparison.
   */
  liveSlots(now: number, slots: number, limit: number): number {
    if (this.#slots + slots <= limit) return this.#slots;
    this.#dropExpiredLeases(now);
    return this.#slots;
  }

  /** Holds `slots` slots under `id` until `expiresAt`. A lease of no slots holds nothing and is not kept. */
  addLease(id: string, slots: number, expiresAt: number): void {
    if (slots === 0) return;
    this.#leases.set(id, { expiresAt, slots });
    this.#slots += slots;
  }

  /** Moves a live lease's expiry; false if it is gone or has expired. */
  renewLease(id: string, now: number, expiresAt: number): boolean {
    const lease = this.#leases.get(id);
    if (lease === undefined || lease.expiresAt <= now) return false;
    lease.expiresAt = expiresAt;
    return true;
  }

  /** Removes a live lease; false if it was already removed or has expired (an expired one is removed too). */
  takeLease(id: string, now: number): boolean {
    const lease = this.#leases.get(id);
    if (lease === undefined) return false;
    this.#leases.delete(id);
    this.#slots -= lease.slots;
    return lease.expiresAt > now;
  }

  /** True when nothing is counted or held any more, so the account's state can be dropped. */
  isIdle(now: number): boolean {
    if (!this.requests.isEmptyAt(now) || !this.tokens.isEmptyAt(now)) return false;
    this.#dropExpiredLeases(now);
    return this.#leases.size === 0;
  }

  /** What the windows count. Call `prune(now)` first. */
  counts(now: number): WindowCounts {
    return { requests: this.requests.count, resetMs: this.requests.oldestExpiresInMs(now), tokens: this.tokens.total };
  }

  /** The windows as headers report them. Call `prune(now)` first. */
  snapshot(now: number, rpm: number, tpm: number): WindowSnapshot {
    return snapshotOf(this.counts(now), rpm, tpm);
  }

  #dropExpiredLeases(now: number): void {
    for (const [id, lease] of this.#leases) {
      if (lease.expiresAt > now) continue;
      this.#leases.delete(id);
      this.#slots -= lease.slots;
    }
  }
}

/** The snapshot of an account with no state: everything remaining. */
export function emptySnapshot(rpm: number, tpm: number): WindowSnapshot {
  return { requestsLimit: rpm, requestsRemaining: rpm, requestsResetMs: 0, tokensLimit: tpm, tokensRemaining: tpm };
}
