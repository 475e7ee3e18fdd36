/**
 * @module Migration 0003: what the dashboard needs, dashboard sessions and BYOK provider credentials. Same portable
 * subset as 0001 (`text` columns, ISO-8601 text timestamps). Login attempts are not stored here: the throttles keep
 * them in memory or Redis (see `auth/throttle/`).
 */
import type { Kysely, Migration } from 'kysely';

/** Creates `sessions` and `provider_credentials`; both go with their account (ON DELETE CASCADE). */
export const dashboard: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (column) => column.primaryKey().notNull())
      .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('last_seen_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('sessions_account_id_idx').on('sessions').column('account_id').execute();
    await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('provider_credentials')
      .addColumn('id', 'text', (column) => column.primaryKey().notNull())
      .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('ciphertext', 'text', (column) => column.notNull())
      .addColumn('iv', 'text', (column) => column.notNull())
      .addColumn('tag', 'text', (column) => column.notNull())
      .addColumn('key_fingerprint', 'text', (column) => column.notNull())
      .addColumn('last4', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addUniqueConstraint('provider_credentials_account_provider_key', ['account_id', 'provider'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('provider_credentials').execute();
    await db.schema.dropTable('sessions').execute();
  },
};
