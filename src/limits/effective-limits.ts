/**
 * @module The limits that apply to a key's account: its plan's, with the account's own overrides on top. A key may add
 * rpm and tpm limits and a budget of its own beneath them (both apply: the tighter wins).
 */
import type { PlanConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { BudgetPeriod } from './period.js';
import type { EffectiveLimits } from './types.js';

/** An account's overrides of its plan's limits (enterprise); null fields mean "the plan's". */
export interface LimitOverrides {
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly concurrent: number | null;
  readonly includedTokens: number | null;
}

/** What admission needs to know about the calling key; `auth`'s `KeyRecord` satisfies it. */
export interface AdmissionKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly plan: string;
  /** The key's monthly spend cap in USD; null for none. */
  readonly keySpendCapUsd: number | null;
  /** The account's monthly spend cap in USD; null for none. */
  readonly accountSpendCapUsd: number | null;
  readonly limits: LimitOverrides;
  /** The key's budget: at most `usd` per period, starting again at each period's start (UTC); absent or null: none. */
  readonly budget?: KeyBudget | null;
  /** The key's own requests per minute beneath its account's; absent or null: none. */
  readonly keyRpm?: number | null;
  /** The key's own tokens per minute beneath its account's; absent or null: none. */
  readonly keyTpm?: number | null;
}

/** A key's budget: at most `usd` spent per `period`. */
export interface KeyBudget {
  readonly usd: number;
  readonly period: BudgetPeriod;
}

/**
 * The key's effective limits. A plan missing from the config is a deployment error, reported as a 500 rather than
 * silently admitting without limits.
 */
export function effectiveLimits(key: AdmissionKey, plans: Readonly<Record<string, PlanConfig>>): EffectiveLimits {
  const plan = plans[key.plan];
  if (plan === undefined) {
    throw new GatewayError(500, 'internal_error', `The account's plan "${key.plan}" is not configured.`);
  }
  return {
    rpm: key.limits.rpm ?? plan.rpm,
    tpm: key.limits.tpm ?? plan.tpm,
    concurrent: key.limits.concurrent ?? plan.concurrent,
    includedTokens: key.limits.includedTokens ?? plan.included_tokens,
  };
}

/** Which limit a message names: `on plan free`, or `for this account` when the account overrides the plan. */
export function limitOwner(key: AdmissionKey, field: keyof LimitOverrides): string {
  return key.limits[field] === null ? `on plan ${key.plan}` : 'for this account';
}
