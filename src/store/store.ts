/** @module The handle every other module gets to the database, whatever the dialect. */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { KeyChangeFeed } from './key-change-feed.js';
import type { UsageRecord } from './repositories/ledger.js';

/** The SQL dialects a store can speak: SQLite (embedded, the default) and PostgreSQL (shared by many instances). */
export type StoreDialect = 'sqlite' | 'postgres';

/** An open database plus the few dialect-specific things callers need. */
export interface Store {
  /** The typed query builder; pass it (or a transaction of it) to the repositories. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * A number that changes when another connection (another process or instance) commits a write. Synchronous and
   * cheap enough to poll every few milliseconds. Whether it changes for this store's own writes depends on the
   * dialect, so same-process changes must be announced separately (see `KeyCache.invalidate`).
   *
   * SQLite: `PRAGMA data_version`, moved by any other connection's commit to any table; not by this store's own.
   * PostgreSQL: a local counter bumped by LISTEN/NOTIFY when a statement changes `provider_credentials` (this
   * store's own writes included; since migration 0010 no longer `accounts` or `api_keys`, see {@link keyChanges}),
   * typically within milliseconds of the commit, and also whenever the listening connection is lost or
   * re-established (see `postgres-changes.ts`). The first call starts listening.
   */
  dataVersion(): number;
  /** Which API keys and accounts changed, committed by anyone; what the key cache invalidates entries by. */
  readonly keyChanges: KeyChangeFeed;
  /**
   * Appends ledger rows in one transaction, all or none; a row whose id is already stored is skipped, so a batch
   * can be retried as is. SQLite runs one prepared statement per row; PostgreSQL sends multi-row INSERTs.
   */
  insertUsage(rows: readonly UsageRecord[]): Promise<void>;
  /** Closes the connection; the store cannot be used afterwards. Calling it again is harmless. */
  close(): Promise<void>;
}
