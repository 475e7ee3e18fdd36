/**
 * @module Migration 0010: targeted change notices for the key cache. Each instance keeps only recently used keys in
 * memory (see `auth/key-cache.ts`), so it must learn *which* keys or accounts changed, never reload them all.
 *
 * PostgreSQL: statement triggers with transition tables send one NOTIFY on {@link KEY_CHANGE_CHANNEL} per statement
 * that writes `api_keys` or `accounts`, naming the key hashes or account ids it touched (format in
 * `postgres-changes.ts`); a statement touching too many rows for one payload (PostgreSQL's limit is 8000 bytes), or
 * a TRUNCATE, says "all" instead. The 0004 triggers on these two tables are dropped: they woke every instance's
 * `dataVersion()` (and so its BYOK-credentials reload) on every key created anywhere; they stay on
 * `provider_credentials`.
 *
 * SQLite: row triggers append to `key_changes` (a hash or an account id per row), which the server reads from its
 * last sequence number whenever `PRAGMA data_version` moves (another process, such as the CLI, committed). The table
 * trims itself to its last {@link KEPT_KEY_CHANGES} rows; a reader that finds a gap behind it starts afresh.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect.js';
import { KEY_CHANGE_CHANNEL, MAX_NOTICE_BYTES } from '../postgres-changes.js';

/** Rows `key_changes` keeps on SQLite: far more than a server polling every fraction of a second falls behind by. */
export const KEPT_KEY_CHANGES = 10_000;

const KEYS_FUNCTION = 'originalpoint_announce_keys';
const ACCOUNTS_FUNCTION = 'originalpoint_announce_accounts';
const ALL_FUNCTION = 'originalpoint_announce_all';
/** 0004's function and the tables whose 0004 triggers this migration replaces. */
const OLD_FUNCTION = 'originalpoint_notify_change';
const REPLACED_TABLES = ['accounts', 'api_keys'] as const;

/** Creates the notices: NOTIFY triggers on PostgreSQL, the `key_changes` table and its triggers on SQLite. */
export const keyChangeNotices: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialectOf(db) === 'postgres') await upPostgres(db);
    else await upSqlite(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (dialectOf(db) === 'postgres') await downPostgres(db);
    else await downSqlite(db);
  },
};

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  // Payload: "<schema>\n<kind>\n<id>,<id>,…"; kind "keys" (key hashes), "accounts" (account ids) or "all".
  const announce = (fn: string, kind: string, column: string) => sql`
    create function ${sql.id(fn)}() returns trigger language plpgsql as $$
    declare
      ids text;
    begin
      select string_agg(${sql.id(column)}, ',') into ids from changed_rows;
      if ids is null then return null; end if;
      if octet_length(ids) + octet_length(tg_table_schema) + 16 > ${sql.lit(MAX_NOTICE_BYTES)} then
        perform pg_notify(${sql.lit(KEY_CHANGE_CHANNEL)}, tg_table_schema || E'\\nall\\n');
      else
        perform pg_notify(${sql.lit(KEY_CHANGE_CHANNEL)}, tg_table_schema || E'\\n' || ${sql.lit(kind)} || E'\\n' || ids);
      end if;
      return null;
    end
    $$`;
  await announce(KEYS_FUNCTION, 'keys', 'key_hash').execute(db);
  await announce(ACCOUNTS_FUNCTION, 'accounts', 'id').execute(db);
  await sql`
    create function ${sql.id(ALL_FUNCTION)}() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(KEY_CHANGE_CHANNEL)}, tg_table_schema || E'\\nall\\n');
      return null;
    end
    $$`.execute(db);
  // A trigger with a transition table takes one event, hence one trigger per event.
  const triggers: [table: string, fn: string, event: 'insert' | 'update' | 'delete'][] = [
    ['api_keys', KEYS_FUNCTION, 'insert'],
    ['api_keys', KEYS_FUNCTION, 'update'],
    ['api_keys', KEYS_FUNCTION, 'delete'],
    ['accounts', ACCOUNTS_FUNCTION, 'update'],
    ['accounts', ACCOUNTS_FUNCTION, 'delete'],
  ];
  for (const [table, fn, event] of triggers) {
    const rows = event === 'delete' ? sql`old table as changed_rows` : sql`new table as changed_rows`;
    await sql`
      create trigger ${sql.id(`${table}_announce_${event}`)}
      after ${sql.raw(event)} on ${sql.table(table)} referencing ${rows}
      for each statement execute function ${sql.id(fn)}()`.execute(db);
  }
  for (const table of REPLACED_TABLES) {
    await sql`
      create trigger ${sql.id(`${table}_announce_truncate`)}
      after truncate on ${sql.table(table)} for each statement execute function ${sql.id(ALL_FUNCTION)}()`.execute(db);
    await sql`drop trigger if exists ${sql.id(`${table}_notify_change`)} on ${sql.table(table)}`.execute(db);
  }
}

async function downPostgres(db: Kysely<unknown>): Promise<void> {
  for (const table of REPLACED_TABLES) {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await sql`drop trigger if exists ${sql.id(`${table}_announce_${event}`)} on ${sql.table(table)}`.execute(db);
    }
    await sql`
      create trigger ${sql.id(`${table}_notify_change`)}
      after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function ${sql.id(OLD_FUNCTION)}()`.execute(db);
  }
  for (const fn of [KEYS_FUNCTION, ACCOUNTS_FUNCTION, ALL_FUNCTION]) await sql`drop function if exists ${sql.id(fn)}()`.execute(db);
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('key_changes')
    .addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('key_hash', 'text')
    .addColumn('account_id', 'text')
    .execute();
  const statements = [
    sql`create trigger api_keys_insert_change after insert on api_keys begin insert into key_changes (key_hash) values (new.key_hash); end`,
    sql`create trigger api_keys_update_change after update on api_keys begin insert into key_changes (key_hash) values (new.key_hash); end`,
    sql`create trigger api_keys_delete_change after delete on api_keys begin insert into key_changes (key_hash) values (old.key_hash); end`,
    sql`create trigger accounts_update_change after update on accounts begin insert into key_changes (account_id) values (new.id); end`,
    sql`create trigger accounts_delete_change after delete on accounts begin insert into key_changes (account_id) values (old.id); end`,
    sql`create trigger key_changes_trim after insert on key_changes begin
          delete from key_changes where seq <= new.seq - ${sql.lit(KEPT_KEY_CHANGES)};
        end`,
  ];
  for (const statement of statements) await statement.execute(db);
}

async function downSqlite(db: Kysely<unknown>): Promise<void> {
  for (const trigger of [
    'api_keys_insert_change',
    'api_keys_update_change',
    'api_keys_delete_change',
    'accounts_update_change',
    'accounts_delete_change',
  ]) {
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  }
  await db.schema.dropTable('key_changes').ifExists().execute();
}
