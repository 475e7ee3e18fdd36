/**
 * @module What authentication hands to the rest of the pipeline for a valid key ({@link KeyRecord}), and how it is
 * built from the stored row (key joined with its account). The one place a new per-key or per-account setting is
 * added for the hot path: the repository's `listActiveKeysWithAccounts` selects it, {@link toCachedKey} maps it.
 */
import type { ProviderPreferences } from '../core/chat-request.js';
import type { ModelPatterns } from '../core/model-patterns.js';
import type { ActiveKeyRow, BudgetPeriod, CustomLimits, Plan, RoutingMode } from '../store/index.js';
import { compileAllowedModels } from './allowed-models.js';
import { readProviderDefaults } from './provider-defaults.js';

/** What authentication hands to the rest of the request pipeline for a valid key. */
export interface KeyRecord {
  readonly keyId: string;
  readonly accountId: string;
  readonly plan: Plan;
  /** The key's routing strategy for `model: "auto"`; null leaves it to the gateway default. */
  readonly defaultRouting: RoutingMode | null;
  /** The key's default `provider` routing preferences; a request's own fields win over them. Null or absent: none. */
  readonly defaultProvider?: ProviderPreferences | null;
  /** Seconds this key's answers are kept in the response cache by default; null or absent: only when a request asks. */
  readonly responseCacheTtlSeconds?: number | null;
  /** This key's own spend cap, in USD per month; null for none. */
  readonly keySpendCapUsd: number | null;
  /** The account's monthly spend cap in USD; null for none. */
  readonly accountSpendCapUsd: number | null;
  /** The account's overrides of its plan's limits (enterprise); null fields mean "the plan's". */
  readonly limits: Readonly<CustomLimits>;
  /** At most `usd` spent per `period` (UTC days, ISO weeks from Monday, months); null or absent: no budget. */
  readonly budget?: { readonly usd: number; readonly period: BudgetPeriod } | null;
  /** The key's own requests per minute, beneath its account's; null or absent: none. */
  readonly keyRpm?: number | null;
  /** The key's own tokens per minute, beneath its account's; null or absent: none. */
  readonly keyTpm?: number | null;
  /** The models the key may use; null or absent: every model. */
  readonly allowedModels?: ModelPatterns | null;
}

/**
 * A key's record and the moment it stops working (epoch ms: a rotated key's end of grace, or its expiry, whichever
 * comes first; null for never).
 */
export interface CachedKey {
  readonly record: KeyRecord;
  readonly revokeAtMs: number | null;
}

/** The cached form of a stored row. */
export function toCachedKey(row: ActiveKeyRow): CachedKey {
  const record: KeyRecord = Object.freeze({
    keyId: row.keyId,
    accountId: row.accountId,
    plan: row.plan,
    defaultRouting: row.defaultRouting,
    defaultProvider: readProviderDefaults(row.defaultProvider),
    responseCacheTtlSeconds: row.responseCacheTtlSeconds ?? null,
    keySpendCapUsd: row.keySpendCapUsd,
    accountSpendCapUsd: row.accountSpendCapUsd,
    limits: Object.freeze({ ...row.limits }),
    budget:
      row.budgetUsd === null || row.budgetUsd === undefined ? null : Object.freeze({ usd: row.budgetUsd, period: row.budgetPeriod ?? 'monthly' }),
    keyRpm: row.rpmLimit ?? null,
    keyTpm: row.tpmLimit ?? null,
    allowedModels: compileAllowedModels(row.allowedModels),
  });
  return { record, revokeAtMs: earlierOf(row.revokeAt, row.expiresAt ?? null) };
}

/** The earlier of two optional ISO-8601 times, in epoch ms; null when neither is set. */
function earlierOf(a: string | null, b: string | null): number | null {
  const times = [a, b].filter((t): t is string => t !== null).map((t) => Date.parse(t));
  return times.length === 0 ? null : Math.min(...times);
}
