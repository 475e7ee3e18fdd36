/**
 * @module Migration 0004: on PostgreSQL, triggers that announce writes to the tables the gateway caches in memory,
 * so every instance's `dataVersion()` moves when another instance or the CLI changes them (see
 * `postgres-changes.ts`). On SQLite it does nothing: `PRAGMA data_version` already reports other connections'
 * commits.
 *
 * The triggers are per statement, so a bulk change sends one notification, and PostgreSQL delivers it only when
 * the transaction commits. Any UPDATE fires, whatever columns it sets: a column written on every request (such as
 * `api_keys.last_used_at`, if it is ever maintained) would make every instance reload its key table each time, and
 * would need an `UPDATE OF <columns>` trigger instead.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect.js';
import { CHANGE_CHANNEL } from '../postgres-changes.js';

/** The tables whose changes are announced: the key cache's inputs and BYOK credentials. */
const WATCHED_TABLES = ['accounts', 'api_keys', 'provider_credentials'] as const;

const FUNCTION_NAME = 'originalpoint_notify_change';

/** Creates the notifying function and one trigger per watched table (PostgreSQL only). */
export const changeNotifications: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialectOf(db) !== 'postgres') return;
    // The payload names the schema, so listeners ignore deployments (or test files) in other schemas.
    await sql`
      create function ${sql.id(FUNCTION_NAME)}() returns trigger language plpgsql as $$
      begin
        perform pg_notify(${sql.lit(CHANGE_CHANNEL)}, tg_table_schema::text);
        return null;
      end
      $$`.execute(db);
    for (const table of WATCHED_TABLES) {
      await sql`
        create trigger ${sql.id(`${table}_notify_change`)}
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function ${sql.id(FUNCTION_NAME)}()`.execute(db);
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (dialectOf(db) !== 'postgres') return;
    for (const table of WATCHED_TABLES) {
      await sql`drop trigger if exists ${sql.id(`${table}_notify_change`)} on ${sql.table(table)}`.execute(db);
    }
    await sql`drop function if exists ${sql.id(FUNCTION_NAME)}()`.execute(db);
  },
};
