/** @module The handle every other module gets to the database, whatever the dialect. */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** The SQL dialects a store can speak. Only SQLite is implemented so far. */
export type StoreDialect = 'sqlite' | 'postgres';

/** An open database plus the few dialect-specific things callers need. */
export interface Store {
  /** The typed query builder; pass it (or a transaction of it) to the repositories. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * A number that changes when another connection commits a write. It does not change for this store's own
   * writes, so same-process changes must be announced separately (see `KeyCache.invalidate`). Synchronous and
   * cheap enough to poll every few hundred milliseconds.
   */
  dataVersion(): number;
  /** Closes the connection; the store cannot be used afterwards. Calling it again is harmless. */
  close(): Promise<void>;
}
