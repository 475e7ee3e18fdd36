/**
 * @module The shared store: a `pg` connection pool behind Kysely's PostgreSQL dialect, for running several gateway
 * instances on one database (`OP_DATABASE_URL`). Schema and queries are the same as on SQLite; see
 * `postgres-changes.ts` for how `dataVersion()` and `keyChanges` learn about other instances' writes.
 */
import { Kysely } from 'kysely';
import { Pool, TypeOverrides, types, type ClientConfig } from 'pg';
import type { Database } from './database.js';
import { naming } from './naming.js';
import { ChangeCounter } from './postgres-changes.js';
import { OwnSchemaPostgresDialect } from './postgres-introspector.js';
import { insertUsageBatch } from './repositories/ledger.js';
import type { Store } from './store.js';

/** Where and how to connect. */
export interface PostgresStoreOptions {
  /**
   * A libpq-style URL, `postgres://user:password@host:5432/database`; query parameters such as `sslmode` or
   * `options` apply, and win over the settings derived from `schema`.
   */
  url: string;
  /** Most connections the pool opens (default 10, at least 2: a migration holds one for its lock and uses another). */
  poolSize?: number;
  /**
   * A schema to use instead of the server's default `search_path` (letters, digits and `_`); it must exist. Tests
   * give each store its own. Omitted: the tables live wherever the role's `search_path` points, usually `public`.
   */
  schema?: string;
  /**
   * How the connections show in `pg_stat_activity` (default `originalpoint`); the change listener's name gets a
   * ` (changes)` suffix. A name in the URL wins.
   */
  applicationName?: string;
  /** Told about errors of idle pool connections and of the change listener, which recover on their own. */
  onError?: (error: unknown) => void;
}

/** A {@link Store} on PostgreSQL. */
export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  /**
   * Starts listening for other processes' writes if not already (the first `dataVersion()` also does) and resolves
   * once LISTEN is active. Optional: a store that never waits simply starts listening a moment later.
   */
  whenListening(): Promise<void>;
}

const DEFAULT_POOL_SIZE = 10;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Opens a pool to the database at `options.url`. Connects lazily: a wrong address surfaces on the first query (the
 * migration, in practice). Does not run migrations: call `migrateToLatest`.
 * @throws {RangeError} for a pool size below 2 or a schema name that is not a plain identifier.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 2) {
    throw new RangeError(`poolSize must be an integer >= 2, got ${poolSize}`);
  }
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new RangeError(`schema must be a plain identifier, got ${JSON.stringify(options.schema)}`);
  }
  const onError = options.onError ?? ((): void => undefined);
  const applicationName = options.applicationName ?? 'originalpoint';
  const clientConfig: ClientConfig = {
    connectionString: options.url,
    types: int8AsNumber(),
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
  const pool = new Pool({ ...clientConfig, application_name: applicationName, max: poolSize });
  // An idle connection dropped by the server must not crash the process; the pool replaces it on next use.
  pool.on('error', onError);
  const changes = new ChangeCounter({
    clientConfig: { ...clientConfig, application_name: `${applicationName} (changes)` },
    onError,
  });
  // Introspection (which Kysely's migrator runs) looks only at this store's schema: see postgres-introspector.ts.
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }), plugins: [naming] });
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect: 'postgres',
    dataVersion: () => changes.version,
    keyChanges: {
      async listen(listener) {
        const remove = changes.onKeyChange(listener);
        await changes.whenListening();
        return remove;
      },
      catchUp: () => changes.sync(),
      // Notices are pushed, so nothing is polled; but one may still be in flight, so a refusal catches up first.
      // A lost connection is made up for with `all` on reconnect.
      mayBeBehind: () => true,
      polled: false,
    },
    insertUsage: (rows) => insertUsageBatch(db, rows),
    whenListening: () => changes.whenListening(),
    close(): Promise<void> {
      closing ??= changes.close().then(() => db.destroy());
      return closing;
    },
  };
}

/**
 * Type parsers that return `int8` (`bigint` columns, `count(*)`, `sum` of integers) as a JavaScript number instead
 * of pg's default string, as on SQLite. Scoped to this store's connections, not pg's global table.
 */
function int8AsNumber(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, parseInt8);
  return overrides;
}

/** @throws {RangeError} for a value a double cannot hold exactly; the query then fails rather than lose digits. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is outside JavaScript's safe integer range`);
  return value;
}
