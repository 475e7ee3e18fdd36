/** @module Choosing the store a process runs on: embedded SQLite by default, PostgreSQL when a URL is given. */
import { createPostgresStore } from './postgres-store.js';
import { createStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** What {@link openStore} needs to pick and open a store. */
export interface OpenStoreOptions {
  /** The data directory; holds the SQLite file when no `databaseUrl` is given. */
  dataDir: string;
  /** `OP_DATABASE_URL`: a `postgres://` or `postgresql://` URL; unset or empty means SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL only: told about connection errors the store recovers from on its own (see `createPostgresStore`). */
  onError?: (error: unknown) => void;
}

/**
 * Opens PostgreSQL when `databaseUrl` is set, else `<dataDir>/originalpoint.db`. Does not run migrations: call
 * `migrateToLatest`.
 * @throws {Error} for a `databaseUrl` that is not a PostgreSQL URL (a typo must not silently fall back to SQLite).
 */
export function openStore(options: OpenStoreOptions): Store {
  const url = options.databaseUrl;
  if (url === undefined || url === '') return createStore({ dataDir: options.dataDir });
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error('OP_DATABASE_URL must start with postgres:// or postgresql://');
  }
  return createPostgresStore({ url, ...(options.onError === undefined ? {} : { onError: options.onError }) });
}
