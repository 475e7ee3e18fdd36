/**
 * @module The limiter backend contract: one atomic admission per request, one atomic finish, and the monthly
 * counters. The memory backend implements it for one process; a Redis backend implements the same calls as Lua
 * scripts (one script per method) so that every gateway instance shares exact limits.
 *
 * Money crosses this interface as integer nano-dollars (1e-9 USD), so Redis can keep it with INCRBY and sums stay
 * exact to the ledger's cent-millionth.
 *
 * A key may carry limits of its own beneath its account's: rpm and tpm windows counting only its requests, and a
 * budget that starts again every day, ISO week or month (`period.ts`). A monthly budget is checked against the key's
 * monthly counter (the one its spend cap uses); a daily or weekly one has a counter of its own, named by its period.
 *
 * Why one `admit` call for all four stages rather than one call per stage with compensation: a request refused at a
 * later stage must consume nothing, and with per-stage calls its rpm slot would be visible to concurrent requests
 * (on any instance) until given back, refusing requests that should pass. One call is also one Redis round trip.
 * A Redis backend can keep, per account, a sorted set of rpm hits (score = time), a sorted set of leases
 * (score = expiry), a sorted set plus hash of tpm reservations (score = time, value = tokens), and per account/key a
 * hash of monthly counters named after the month (expiring after it); `admit` prunes by score, checks, and writes.
 */

import type { BudgetPeriod, ShortBudgetPeriod } from './period.js';

/** One sliding minute, in ms. Both rpm and tpm windows use it. */
export const WINDOW_MS = 60_000;

/** The limits that apply to one account, after the account's overrides of its plan. */
export interface EffectiveLimits {
  readonly rpm: number;
  readonly tpm: number;
  readonly concurrent: number;
  /** Monthly included tokens (prompt + completion). */
  readonly includedTokens: number;
}

/** The spend and included-token part of an admission; absent for BYOK requests, which skip both. */
export interface SpendRequest {
  /** Worst-case cost of the request, nano-USD. */
  readonly costNanoUsd: number;
  /** The key's monthly cap, nano-USD; null for none. */
  readonly keyCapNanoUsd: number | null;
  /** The account's monthly cap, nano-USD; null for none. */
  readonly accountCapNanoUsd: number | null;
  /** The account's monthly included tokens. */
  readonly includedTokens: number;
  /** The key's budget for its period; absent or null for none. */
  readonly keyBudget?: KeyBudgetRequest | null;
}

/** A key's budget as admission checks it: at most `capNanoUsd` spent and reserved in each `period`. */
export interface KeyBudgetRequest {
  readonly capNanoUsd: number;
  readonly period: BudgetPeriod;
}

/** Everything one admission needs; the backend checks and reserves it all in one atomic step. */
export interface AdmitRequest {
  /** Unique per request: the lease id and the tpm reservation id. */
  readonly id: string;
  readonly accountId: string;
  readonly keyId: string;
  readonly rpm: number;
  readonly tpm: number;
  readonly concurrent: number;
  /** The key's own requests per minute, counted over its requests only; absent or null for none. */
  readonly keyRpm?: number | null;
  /** The key's own tokens per minute; absent or null for none. */
  readonly keyTpm?: number | null;
  /**
   * Concurrency slots the request holds while it runs: its parallel upstream calls (`n` for an answer fanned out to
   * n calls), 1 for most; 0 holds none (a refused request counted against rpm only).
   */
  readonly slots: number;
  /** Tokens to reserve in the tpm window and against included tokens: prompt + maximum output. */
  readonly tokens: number;
  readonly spend: SpendRequest | null;
  /** How long the lease holds its concurrency slot unless finished or renewed. */
  readonly leaseTtlMs: number;
}

/** What an admitted request holds; handed back to `finish`. */
export interface Reservation {
  readonly id: string;
  readonly accountId: string;
  readonly keyId: string;
  /** UTC month (`YYYY-MM`) the spend was reserved in; it is settled into that month only. */
  readonly month: string;
  /**
   * The label of the period a daily or weekly key budget was reserved in (`period.ts`); it is settled into that
   * period only. Absent or null when the request reserved no such budget.
   */
  readonly budgetLabel?: string | null;
  readonly tokens: number;
  readonly spend: SpendRequest | null;
  /** Concurrency slots held (see {@link AdmitRequest.slots}). */
  readonly slots: number;
}

/** A key's own rate limits, for a peek at its windows; a null limit is none. */
export interface KeyWindowLimits {
  readonly keyId: string;
  readonly rpm: number | null;
  readonly tpm: number | null;
}

/**
 * The request window as rate-limit headers report it: the account's, or the key's own where that is tighter (fewer
 * requests or tokens remaining; see `window.ts`).
 */
export interface WindowSnapshot {
  readonly requestsLimit: number;
  readonly requestsRemaining: number;
  /** Ms until the oldest counted request leaves the window (Remaining grows); 0 when none is counted. */
  readonly requestsResetMs: number;
  readonly tokensLimit: number;
  readonly tokensRemaining: number;
}

/** Which admission stage refused, and when a retry can succeed (null: never, at these limits). */
export type Rejection =
  | { readonly stage: 'rpm'; readonly retryAfterMs: number | null }
  | { readonly stage: 'key_rpm'; readonly retryAfterMs: number | null }
  | { readonly stage: 'concurrency' }
  | { readonly stage: 'tpm'; readonly retryAfterMs: number | null }
  | { readonly stage: 'key_tpm'; readonly retryAfterMs: number | null }
  | { readonly stage: 'key_spend' }
  | { readonly stage: 'key_budget' }
  | { readonly stage: 'account_spend' }
  | { readonly stage: 'included_tokens' };

/** The outcome of `LimiterBackend.admit`. A rejection changed nothing. */
export type AdmitResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly window: WindowSnapshot }
  | { readonly ok: false; readonly rejection: Rejection; readonly window: WindowSnapshot };

/** What a finished request actually used. */
export interface ActualUsage {
  readonly tokens: number;
  readonly costNanoUsd: number;
}

/**
 * Whose spend counter: an account's monthly one (spend cap and included tokens), a key's monthly one (spend cap and a
 * monthly budget), or a key's daily or weekly one (a budget of that period). Despite the name, the last kind counts
 * over its own period; every method taking a scope works on any kind.
 */
export type MonthlyScope =
  | { readonly accountId: string }
  | { readonly keyId: string; readonly period?: undefined }
  | { readonly keyId: string; readonly period: ShortBudgetPeriod };

/** The period a scope's counter counts over. */
export function scopePeriod(scope: MonthlyScope): BudgetPeriod {
  return 'accountId' in scope ? 'monthly' : (scope.period ?? 'monthly');
}

/** A short, unique name of a scope's counter (for maps keyed by scope). */
export function scopeName(scope: MonthlyScope): string {
  if ('accountId' in scope) return `a:${scope.accountId}`;
  return scope.period === undefined ? `k:${scope.keyId}` : `${scope.period === 'daily' ? 'd' : 'w'}:${scope.keyId}`;
}

/** A counter in its current period (a UTC month unless the scope is a daily or weekly budget's). */
export interface MonthlyTotals {
  /** The label of the period counted (`period.ts`): `YYYY-MM` for a month. */
  readonly month: string;
  readonly spentNanoUsd: number;
  readonly reservedNanoUsd: number;
  readonly tokens: number;
  readonly reservedTokens: number;
}

/**
 * Where rate-limit, lease and spend state lives. Every method is atomic on its own. The clock belongs to the
 * backend (memory: an injected `now`; Redis: the server's `TIME`) so that all instances agree on the window.
 */
export interface LimiterBackend {
  /**
   * Checks, in order, rpm → key rpm → concurrency → tpm → key tpm → key cap → key budget → account cap → included
   * tokens, and either reserves all of them (rpm hits, lease, tpm reservations, spend and token reservations) or
   * nothing. An rpm or tpm rejection reports the wait after which every window would admit the request.
   */
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /**
   * Ends a reservation: frees the lease and settles tpm and monthly counters to `actual`, or refunds them when
   * `actual` is null. Returns false, changing nothing, if the lease was already finished or has expired (then its
   * reservations stay charged at their worst case, since nobody is left to settle them).
   */
  finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean>;
  /**
   * Moves a live lease's expiry to `ttlMs` from now. False if it is finished or expired (stop renewing it); true
   * otherwise, including when it could not be renewed just now but may still be live (a shared backend that is
   * unreachable: renewing again later may succeed).
   */
  renew(reservation: Reservation, ttlMs: number): Promise<boolean>;
  /**
   * The account's windows without changing them, for headers on responses that skipped admission; with `key`, the
   * key's own windows where they are tighter.
   */
  peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>, key?: KeyWindowLimits): Promise<WindowSnapshot>;
  /** Sets this month's spent cost and used tokens; reservations are kept. */
  seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void>;
  /**
   * Raises this month's spent cost and used tokens to at least these (each compared on its own), never lowering
   * them; reservations are kept. How the ledger's totals reach the counters: each instance raises a scope once, on
   * its first use, and since every settled request adds to the counter before its ledger row is written, the counter
   * never holds less than the ledger and a raise from a late reader changes nothing. Resolves true when the counter
   * every instance reads holds them; false when only a local stand-in does (a shared backend that is down), so the
   * caller should raise again later.
   */
  raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean>;
  /** The scope's counter for its current period (zeros if untouched). */
  readMonthly(scope: MonthlyScope): Promise<MonthlyTotals>;
}
