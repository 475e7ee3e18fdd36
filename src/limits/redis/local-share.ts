/**
 * @module One instance's share of an account's limits while it cannot reach the shared backend: each of N instances
 * admits 1/N of the rate limits, and 1/N of what was left of each monthly cap when it last heard from Redis. So N
 * instances degraded together still stay within the limits (rounding down, but never to zero slots).
 */
import type { AdmitRequest, SpendRequest } from '../types.js';

/** Spent + reserved amounts of a monthly counter as last read from the shared backend. */
export interface MonthlyBase {
  readonly nanoUsd: number;
  readonly tokens: number;
}

/** The base of a counter never read: nothing known to be used. */
export const EMPTY_BASE: MonthlyBase = Object.freeze({ nanoUsd: 0, tokens: 0 });

/** ⌊limit / instances⌋, at least 1 unless the limit itself is 0 (which must stay "never"). */
export function shareOf(limit: number, instances: number): number {
  if (limit <= 0) return 0;
  return Math.max(1, Math.floor(limit / instances));
}

/** A cap on a counter already at `base`: base plus this instance's share of the headroom above it. */
export function capShare(cap: number | null, base: number, instances: number): number | null {
  if (cap === null) return null;
  return base + Math.floor(Math.max(0, cap - base) / instances);
}

/** The bases of the counters an admission checks. */
export interface RequestBases {
  readonly account: MonthlyBase;
  readonly key: MonthlyBase;
  /** The key's daily or weekly budget counter's (a monthly budget's is `key`'s). */
  readonly budget: MonthlyBase;
}

/** `request` with every limit cut to this instance's share. */
export function scaleRequest(request: AdmitRequest, instances: number, bases: RequestBases): AdmitRequest {
  return {
    ...request,
    rpm: shareOf(request.rpm, instances),
    tpm: shareOf(request.tpm, instances),
    concurrent: shareOf(request.concurrent, instances),
    keyRpm: optionalShare(request.keyRpm, instances),
    keyTpm: optionalShare(request.keyTpm, instances),
    spend: request.spend === null ? null : scaleSpend(request.spend, instances, bases),
  };
}

function optionalShare(limit: number | null | undefined, instances: number): number | null {
  return limit === undefined || limit === null ? null : shareOf(limit, instances);
}

function scaleSpend(spend: SpendRequest, instances: number, bases: RequestBases): SpendRequest {
  const budget = spend.keyBudget ?? null;
  const budgetBase = budget?.period === 'monthly' ? bases.key : bases.budget;
  return {
    costNanoUsd: spend.costNanoUsd,
    keyCapNanoUsd: capShare(spend.keyCapNanoUsd, bases.key.nanoUsd, instances),
    accountCapNanoUsd: capShare(spend.accountCapNanoUsd, bases.account.nanoUsd, instances),
    includedTokens: capShare(spend.includedTokens, bases.account.tokens, instances) ?? 0,
    keyBudget: budget === null ? null : { period: budget.period, capNanoUsd: capShare(budget.capNanoUsd, budgetBase.nanoUsd, instances) ?? 0 },
  };
}
