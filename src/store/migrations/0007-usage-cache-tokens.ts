/**
 * @module Migration 0007: each ledger row keeps the prompt tokens its provider read from (`cache_read_tokens`) and
 * wrote to (`cache_write_tokens`) its prompt cache. Both are inside `prompt_tokens` and priced differently from
 * plain input (Anthropic: reads at 0.1×, writes at 1.25× or 2× the input price), so with them a row's `cost_usd` can
 * be explained and the dashboard can show what caching saved. Rows written before this migration read 0: a cache
 * read was already reported as cached tokens to the client, but the ledger never kept it.
 *
 * As in 0005: one `alter table` per column (SQLite adds one column per statement), NOT NULL with a constant default,
 * which both dialects add to a table with rows, PostgreSQL without rewriting it.
 * @see https://www.sqlite.org/lang_altertable.html#altertabaddcol
 * @see https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { Kysely, Migration } from 'kysely';

/** Adds `usage.cache_read_tokens` and `usage.cache_write_tokens`, both default 0. */
export const usageCacheTokens: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('usage')
      .addColumn('cache_read_tokens', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('usage')
      .addColumn('cache_write_tokens', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('usage').dropColumn('cache_write_tokens').execute();
    await db.schema.alterTable('usage').dropColumn('cache_read_tokens').execute();
  },
};
