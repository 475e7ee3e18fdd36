/**
 * @module Migration 0008: the gateway's own response cache (not a provider's prompt cache, see 0007). Each ledger row
 * says whether it was answered from the response cache (`response_cache_hit`, 0/1) and what the answer it replayed
 * had cost when it was generated (`response_cache_saved_usd`): a hit is billed nothing, and the dashboard shows what
 * the cache saved. Each API key may carry a default cache lifetime (`api_keys.response_cache_ttl_s`, seconds; null:
 * no caching unless a request asks for it). Rows and keys from before this migration read "no hit" and "no default".
 *
 * As in 0005 and 0007: one `alter table` per column; the ledger's columns are NOT NULL with a constant default (both
 * dialects add them to a table with rows, PostgreSQL without rewriting it); the key's column is nullable.
 * @see https://www.sqlite.org/lang_altertable.html#altertabaddcol
 * @see https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { Kysely, Migration } from 'kysely';

/** Adds `usage.response_cache_hit` (default 0), `usage.response_cache_saved_usd` (default 0) and `api_keys.response_cache_ttl_s`. */
export const usageCacheHits: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('usage')
      .addColumn('response_cache_hit', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('usage')
      .addColumn('response_cache_saved_usd', 'double precision', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('api_keys').addColumn('response_cache_ttl_s', 'integer').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').dropColumn('response_cache_ttl_s').execute();
    await db.schema.alterTable('usage').dropColumn('response_cache_saved_usd').execute();
    await db.schema.alterTable('usage').dropColumn('response_cache_hit').execute();
  },
};
