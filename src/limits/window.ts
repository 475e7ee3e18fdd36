/**
 * @module The window a response's `X-RateLimit-*` headers describe when a key has rpm or tpm limits of its own
 * beneath its account's: for requests and for tokens separately, the tighter of the two — the one with fewer
 * remaining (on a tie, the lower limit) — so a client pacing itself by the headers meets neither limit.
 */
import type { WindowSnapshot } from './types.js';

/** The requests and tokens a window counts, and since when (for the reset), before limits are applied. */
export interface WindowCounts {
  readonly requests: number;
  /** Ms until the oldest counted request leaves the window; 0 when none is counted. */
  readonly resetMs: number;
  readonly tokens: number;
}

/** The snapshot of counted requests and tokens under limits `rpm` and `tpm`. */
export function snapshotOf(counts: WindowCounts, rpm: number, tpm: number): WindowSnapshot {
  return {
    requestsLimit: rpm,
    requestsRemaining: Math.max(0, rpm - counts.requests),
    requestsResetMs: counts.resetMs,
    tokensLimit: tpm,
    tokensRemaining: Math.max(0, tpm - counts.tokens),
  };
}

/**
 * The account's snapshot with the key's own windows where they are tighter. `rpm`/`tpm` null: the key has no limit
 * of that kind, and the account's figures stand.
 */
export function tighterWindow(account: WindowSnapshot, key: WindowCounts | null, rpm: number | null, tpm: number | null): WindowSnapshot {
  if (key === null || (rpm === null && tpm === null)) return account;
  let window = account;
  if (rpm !== null) {
    const remaining = Math.max(0, rpm - key.requests);
    if (remaining < account.requestsRemaining || (remaining === account.requestsRemaining && rpm < account.requestsLimit)) {
      window = { ...window, requestsLimit: rpm, requestsRemaining: remaining, requestsResetMs: key.resetMs };
    }
  }
  if (tpm !== null) {
    const remaining = Math.max(0, tpm - key.tokens);
    if (remaining < account.tokensRemaining || (remaining === account.tokensRemaining && tpm < account.tokensLimit)) {
      window = { ...window, tokensLimit: tpm, tokensRemaining: remaining };
    }
  }
  return window;
}
