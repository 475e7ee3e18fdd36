/**
 * @module The Kysely schema: one interface per table, with the TypeScript types of the values each column holds.
 * Column names are snake_case as in SQL; repositories map rows to camelCase records so callers never see them.
 */
import type { ColumnType } from 'kysely';

/** The plans an account can be on. */
export const PLANS = ['free', 'pro', 'enterprise'] as const;

/** A plan name, as stored in `accounts.plan`. */
export type Plan = (typeof PLANS)[number];

/** The routing strategies a key can default to when a request asks for `model: "auto"`. */
export const ROUTING_MODES = ['cost', 'latency', 'reliability'] as const;

/** A routing strategy, as stored in `api_keys.default_routing`. */
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** `accounts`: one row per customer. Limits left null fall back to the plan's defaults. */
export interface AccountsTable {
  id: string;
  /** Lower-cased by the accounts service before it gets here. */
  email: string;
  /** `scrypt$…` encoded hash; null for accounts created without a dashboard password. */
  password_hash: string | null;
  /** Defaults to `free` in SQL. */
  plan: ColumnType<Plan, Plan | undefined, Plan>;
  rpm_limit: number | null;
  tpm_limit: number | null;
  concurrent_limit: number | null;
  /** Tokens per month included in the plan price. */
  included_tokens: number | null;
  monthly_spend_cap_usd: number | null;
  /** ISO-8601 UTC timestamp. */
  created_at: string;
}

/** `api_keys`: only the SHA-256 of the secret and its last four characters are kept. */
export interface ApiKeysTable {
  /** `key_…`, shown to users; never the secret. */
  id: string;
  account_id: string;
  name: string;
  /** Hex SHA-256 of the whole secret. */
  key_hash: string;
  last4: string;
  default_routing: RoutingMode | null;
  spend_cap_usd: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** The id of the key this one replaced by rotation. */
  rotated_from: string | null;
}

/** Every table the gateway owns, keyed by SQL table name. */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
}
