/**
 * @module Migration 0002: the usage ledger. Same portable subset as 0001 (`text`, `integer`, `double precision`;
 * booleans as 0/1 integers; ISO-8601 text timestamps, which sort chronologically as text).
 */
import type { Kysely, Migration } from 'kysely';

/**
 * Creates `usage` and its indexes: (account_id, created_at) and (key_id, created_at) serve the dashboard's charts
 * and the monthly totals of one account or key; (created_at) serves the start-up scan of the current month.
 *
 * `id` is NOT NULL explicitly: SQLite, unlike PostgreSQL, lets a non-integer primary key hold NULL otherwise.
 * `account_id` and `key_id` deliberately carry no foreign keys: the ledger is history that must outlive a deleted
 * key or account, and a batch insert must never fail (and be retried forever) because of a row's references.
 */
export const usage: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('usage')
      .addColumn('id', 'text', (column) => column.primaryKey().notNull())
      .addColumn('request_id', 'text', (column) => column.notNull())
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('requested_model', 'text', (column) => column.notNull())
      .addColumn('routed_model', 'text')
      .addColumn('provider', 'text')
      .addColumn('byok', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
      .addColumn('completion_tokens', 'integer', (column) => column.notNull())
      .addColumn('cost_usd', 'double precision', (column) => column.notNull())
      .addColumn('latency_ms', 'integer', (column) => column.notNull())
      .addColumn('ttft_ms', 'integer')
      .addColumn('status', 'integer', (column) => column.notNull())
      .addColumn('error_code', 'text')
      .addColumn('stream', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();

    await db.schema.createIndex('usage_account_created_idx').on('usage').columns(['account_id', 'created_at']).execute();
    await db.schema.createIndex('usage_key_created_idx').on('usage').columns(['key_id', 'created_at']).execute();
    await db.schema.createIndex('usage_created_idx').on('usage').column('created_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('usage').execute();
  },
};
