/**
 * @module Migration 0009: an API key may carry default `provider` preferences (OpenRouter's routing controls:
 * `order`, `only`, `ignore`, `sort`, `max_price`, …) beside its default routing mode: `api_keys.default_provider`,
 * the object as JSON text, checked against the catalog when saved; null (every key before this migration): none.
 * A request's own `provider` fields win over these, field by field (`routing/provider-preferences.ts`).
 *
 * As in 0008 for the key's cache default: one nullable column, which both dialects add without rewriting the table.
 * @see https://www.sqlite.org/lang_altertable.html#altertabaddcol
 * @see https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { Kysely, Migration } from 'kysely';

/** Adds `api_keys.default_provider` (JSON text, nullable). */
export const keyRoutingDefaults: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').addColumn('default_provider', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').dropColumn('default_provider').execute();
  },
};
