/**
 * @module Migration 0005: each ledger row names the API it came through (`endpoint`) and whether its token counts
 * are the gateway's own estimate because the upstream reported none (`usage_estimated`, 0/1). Rows written before
 * this migration were all Chat Completions requests with reported usage, so the defaults describe them exactly.
 *
 * One `alter table` per column: SQLite accepts a single ADD COLUMN per statement. A NOT NULL column with a constant
 * default is allowed by both dialects on a table that has rows, and PostgreSQL (11+) adds it without rewriting the
 * table, so migrating a large ledger takes no longer than migrating an empty one.
 * @see https://www.sqlite.org/lang_altertable.html#altertabaddcol
 * @see https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { Kysely, Migration } from 'kysely';

/** Adds `usage.endpoint` (default `chat.completions`) and `usage.usage_estimated` (default 0). */
export const usageEndpoint: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('usage')
      .addColumn('endpoint', 'text', (column) => column.notNull().defaultTo('chat.completions'))
      .execute();
    await db.schema
      .alterTable('usage')
      .addColumn('usage_estimated', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('usage').dropColumn('usage_estimated').execute();
    await db.schema.alterTable('usage').dropColumn('endpoint').execute();
  },
};
