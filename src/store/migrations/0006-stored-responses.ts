/**
 * @module Migration 0006: the Responses API's conversation store. A stored response is one row of
 * `stored_responses` (the Response object as sent) plus one row per input and output item in
 * `stored_response_items`, so a later turn can load a conversation's items, and `item_reference` can find one item,
 * without parsing whole responses. `stored_response_usage` keeps each account's stored bytes, so the storage cap is
 * checked and reserved with one statement instead of a sum over the account's rows.
 *
 * Same portable subset as 0001 (`text`, `integer`, `bigint`; ISO-8601 text timestamps). Everything goes with its
 * account (ON DELETE CASCADE), and an item with its response.
 */
import type { Kysely, Migration } from 'kysely';

/** Creates the three tables and the indexes for item lookups by id, the retention purge and account deletion. */
export const storedResponses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('stored_responses')
      .addColumn('id', 'text', (column) => column.primaryKey().notNull())
      .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('previous_response_id', 'text')
      .addColumn('bytes', 'bigint', (column) => column.notNull())
      .addColumn('response', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('stored_responses_account_idx').on('stored_responses').column('account_id').execute();
    await db.schema.createIndex('stored_responses_created_idx').on('stored_responses').column('created_at').execute();

    await db.schema
      .createTable('stored_response_items')
      .addColumn('response_id', 'text', (column) => column.notNull().references('stored_responses.id').onDelete('cascade'))
      .addColumn('direction', 'text', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('item_id', 'text')
      .addColumn('item', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('stored_response_items_pkey', ['response_id', 'direction', 'position'])
      .execute();
    await db.schema.createIndex('stored_response_items_account_item_idx').on('stored_response_items').columns(['account_id', 'item_id']).execute();

    await db.schema
      .createTable('stored_response_usage')
      .addColumn('account_id', 'text', (column) => column.primaryKey().notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('bytes', 'bigint', (column) => column.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('stored_response_usage').execute();
    await db.schema.dropTable('stored_response_items').execute();
    await db.schema.dropTable('stored_responses').execute();
  },
};
