/** @module One account's short-lived limiter state in memory: its rpm and tpm windows and its concurrency leases. */
import type { WindowSnapshot } from '../types.js';
import { SlidingLog } from './sliding-log.js';

/** The rpm log, the tpm log and the live leases (id → expiry ms) of one account. */
export class AccountWindows {
  readonly requests = new SlidingLog();
  readonly tokens = new SlidingLog();
  readonly leases = new Map<string, number>();

  /** Prunes both windows to `now`. */
  prune(now: number): void {
    this.requests.prune(now);
    this.tokens.prune(now);
  }

  /**
   * Live leases at `now`. Expired ones are dropped only when they could matter (the count reaches `limit`), so the
   * common path is one size check.
   */
  liveLeases(now: number, limit: number): number {
    if (this.leases.size < limit) return this.leases.size;
    this.#dropExpiredLeases(now);
    return this.leases.size;
  }

  /** Removes a live lease; false if it was already removed or has expired (an expired one is removed too). */
  takeLease(id: string, now: number): boolean {
    const expiresAt = this.leases.get(id);
    if (expiresAt === undefined) return false;
    this.leases.delete(id);
    return expiresAt > now;
  }

  /** True when nothing is counted or held any more, so the account's state can be dropped. */
  isIdle(now: number): boolean {
    if (!this.requests.isEmptyAt(now) || !this.tokens.isEmptyAt(now)) return false;
    this.#dropExpiredLeases(now);
    return this.leases.size === 0;
  }

  /** The windows as headers report them. Call `prune(now)` first. */
  snapshot(now: number, rpm: number, tpm: number): WindowSnapshot {
    return {
      requestsLimit: rpm,
      requestsRemaining: Math.max(0, rpm - this.requests.count),
      requestsResetMs: this.requests.oldestExpiresInMs(now),
      tokensLimit: tpm,
      tokensRemaining: Math.max(0, tpm - this.tokens.total),
    };
  }

  #dropExpiredLeases(now: number): void {
    for (const [id, expiresAt] of this.leases) {
      if (expiresAt <= now) this.leases.delete(id);
    }
  }
}

/** The snapshot of an account with no state: everything remaining. */
export function emptySnapshot(rpm: number, tpm: number): WindowSnapshot {
  return { requestsLimit: rpm, requestsRemaining: rpm, requestsResetMs: 0, tokensLimit: tpm, tokensRemaining: tpm };
}
