/** @module The embedded store: one better-sqlite3 connection in WAL mode behind Kysely. */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { naming } from './naming.js';
import { SqliteKeyChanges } from './sqlite-key-changes.js';
import { toUsageRow, type UsageRecord } from './repositories/ledger.js';
import type { Store } from './store.js';

/** The database file's name inside the data directory. */
export const SQLITE_FILE_NAME = 'originalpoint.db';

/** Where the embedded store keeps its file. */
export interface CreateStoreOptions {
  /** Created (recursively, mode 0700: owner only) if missing; an existing directory keeps its mode. */
  dataDir: string;
}

/**
 * Opens (creating if needed) `<dataDir>/originalpoint.db`. Does not run migrations: call `migrateToLatest`.
 *
 * WAL lets the CLI write while the server reads; `busy_timeout` makes a writer wait for the other's lock instead of
 * failing with SQLITE_BUSY; `synchronous=NORMAL` is durable across application crashes in WAL mode and much faster
 * than FULL.
 * @see https://www.sqlite.org/wal.html
 * @see https://www.sqlite.org/pragma.html#pragma_data_version
 */
export function createStore(options: CreateStoreOptions): Store {
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, SQLITE_FILE_NAME);
  // The file holds password hashes and sealed provider keys: create it owner-only before SQLite opens it.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  restrictToOwner(file);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const dataVersionStatement = raw.prepare('PRAGMA data_version').pluck();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), plugins: [naming] });
  const dataVersion = (): number => {
    const value: unknown = dataVersionStatement.get();
    if (typeof value !== 'number') throw new Error(`PRAGMA data_version returned ${String(value)}`);
    return value;
  };
  // Prepared on first use: the table exists only once migrations have run.
  let insertUsageRows: ((rows: readonly UsageRecord[]) => void) | undefined;
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect: 'sqlite',
    dataVersion,
    keyChanges: new SqliteKeyChanges(db, dataVersion),
    async insertUsage(rows: readonly UsageRecord[]): Promise<void> {
      if (rows[0] === undefined) return;
      insertUsageRows ??= prepareUsageInsert(raw, Object.keys(toUsageRow(rows[0])));
      insertUsageRows(rows);
    },
    close(): Promise<void> {
      closing ??= db.destroy();
      return closing;
    },
  };
}

/**
 * Makes the database file and its WAL and shared-memory files owner-only (0600). SQLite creates the `-wal` and
 * `-shm` files with the database file's mode, so this mostly repairs files made by an older version (0644) or
 * through a wide umask; a file that does not exist yet is skipped.
 */
function restrictToOwner(file: string): void {
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(name, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * One prepared INSERT run per row inside a transaction: a fraction of the cost of building, compiling and
 * preparing a multi-row statement for every batch (the ledger writes one row per request). `columns` are the keys of
 * {@link toUsageRow}'s rows, the mapping the repositories use, so the two cannot drift apart; the statement names
 * them in SQL and binds each row's values by their TypeScript names.
 */
function prepareUsageInsert(raw: SqliteDatabase.Database, columns: readonly string[]): (rows: readonly UsageRecord[]) => void {
  const sqlColumns = columns.map((column) => naming.sqlName(column)).join(', ');
  const insert = raw.prepare(`INSERT INTO usage (${sqlColumns}) VALUES (${columns.map((c) => `@${c}`).join(', ')}) ON CONFLICT (id) DO NOTHING`);
  return raw.transaction((rows: readonly UsageRecord[]) => {
    for (const row of rows) insert.run(toUsageRow(row));
  });
}
