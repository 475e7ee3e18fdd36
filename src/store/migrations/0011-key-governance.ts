/**
 * @module Migration 0011: per-key governance and end-user attribution (issue 20).
 *
 * `api_keys` gains, all nullable (null: none, what every key before this migration reads):
 * - `budget_usd` and `budget_period` (`daily`, `weekly` or `monthly`): at most that much spent per period, starting
 *   again at the period's start in UTC (weeks on Monday), beside the monthly `spend_cap_usd`;
 * - `allowed_models`: the catalog ids or glob patterns (`claude-*`) the key may use, as a JSON array of strings;
 * - `rpm_limit`, `tpm_limit`: the key's own rate limits beneath its account's;
 * - `expires_at` (ISO-8601 UTC): from then on the key is refused like a revoked one.
 *
 * `usage` gains `end_user` (the client's `user`, `safety_identifier` or `metadata.user_id`, at most 256 characters;
 * null when none was sent), indexed with the account and time for per-user reports, and an index on `request_id`
 * for `GET /v1/requests/{id}`.
 *
 * A change to any of the key columns is announced to every instance by 0010's triggers (which fire on every update of
 * `api_keys`, whatever the column), so a key's cached record never outlives a change of its governance.
 * @see https://www.sqlite.org/lang_altertable.html#altertabaddcol
 * @see https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { Kysely, Migration } from 'kysely';

/** The key columns added, with their SQL types. */
const KEY_COLUMNS = [
  ['budget_usd', 'double precision'],
  ['budget_period', 'text'],
  ['allowed_models', 'text'],
  ['rpm_limit', 'integer'],
  ['tpm_limit', 'integer'],
  ['expires_at', 'text'],
] as const;

/** Adds the key governance columns, `usage.end_user` and the two `usage` indexes. */
export const keyGovernance: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const [name, type] of KEY_COLUMNS) await db.schema.alterTable('api_keys').addColumn(name, type).execute();
    await db.schema.alterTable('usage').addColumn('end_user', 'text').execute();
    await db.schema.createIndex('usage_account_end_user_idx').on('usage').columns(['account_id', 'end_user', 'created_at']).execute();
    await db.schema.createIndex('usage_request_idx').on('usage').column('request_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('usage_request_idx').execute();
    await db.schema.dropIndex('usage_account_end_user_idx').execute();
    await db.schema.alterTable('usage').dropColumn('end_user').execute();
    for (const [name] of [...KEY_COLUMNS].reverse()) await db.schema.alterTable('api_keys').dropColumn(name).execute();
  },
};
