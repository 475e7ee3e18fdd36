/**
 * @module What authentication hands to the rest of the pipeline for a valid key ({@link KeyRecord}), and how it is
 * built from the stored row (key joined with its account). The one place a new per-key or per-account setting is
 * added for the hot path: the repository's `listActiveKeysWithAccounts` selects it, {@link toCachedKey} maps it.
 */
import type { ProviderPreferences } from '../core/chat-request.js';
import type { ActiveKeyRow, CustomLimits, Plan, RoutingMode } from '../store/index.js';
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
}

/** A key's record and the moment it stops working (epoch ms: a rotated key's end of grace; null for never). */
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
  });
  return { record, revokeAtMs: row.revokeAt === null ? null : Date.parse(row.revokeAt) };
}
