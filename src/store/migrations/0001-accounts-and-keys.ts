/**
 * @module Migration 0001: accounts and their API keys. Uses only the schema builder and types both SQLite and
 * PostgreSQL accept (`text`, `integer`, `bigint`, `double precision`); timestamps are ISO-8601 text.
 */
import type { Kysely, Migration } from 'kysely';

/** Creates `accounts`, `api_keys` and the index that lists an account's keys. */
export const accountsAndKeys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('email', 'text', (column) => column.notNull().unique())
      .addColumn('password_hash', 'text')
      .addColumn('plan', 'text', (column) => column.notNull().defaultTo('free'))
      .addColumn('rpm_limit', 'integer')
      .addColumn('tpm_limit', 'bigint')
      .addColumn('concurrent_limit', 'integer')
      .addColumn('included_tokens', 'bigint')
      .addColumn('monthly_spend_cap_usd', 'double precision')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('key_hash', 'text', (column) => column.notNull().unique())
      .addColumn('last4', 'text', (column) => column.notNull())
      .addColumn('default_routing', 'text')
      .addColumn('spend_cap_usd', 'double precision')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('rotated_from', 'text', (column) => column.references('api_keys.id').onDelete('set null'))
      .execute();

    await db.schema.createIndex('api_keys_account_id_idx').on('api_keys').column('account_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('api_keys').execute();
    await db.schema.dropTable('accounts').execute();
  },
};
