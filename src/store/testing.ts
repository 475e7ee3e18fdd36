/**
 * @module Test support: a migrated store in a fresh temporary place, on SQLite or PostgreSQL, and
 * {@link describeEachDialect} to run one suite on both. Not used by production code.
 *
 * PostgreSQL is expected at `postgres://postgres@127.0.0.1:5432/test` (or `OP_TEST_DATABASE_URL`). Each store gets
 * its own schema (`op_test_<random>`), dropped with everything in it by `cleanup()`, so test files running in
 * parallel never see each other's rows. When the server is not reachable the PostgreSQL suites are skipped with one
 * line, except under `CI=true`, where a missing server fails the run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import { Client } from 'pg';
import { migrateToLatest } from './migrate.js';
import { createAccount } from './repositories/accounts.js';
import { insertApiKey } from './repositories/api-keys.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { createStore } from './sqlite-store.js';
import type { Store, StoreDialect } from './store.js';

/** A temporary store and how to get rid of it. */
export interface TempStore {
  store: Store;
  /** A fresh temporary directory (holding the database file on SQLite). */
  dataDir: string;
  /** PostgreSQL: the schema the tables live in. */
  schema?: string;
  /** Opens another store on the same database, as another process would; the caller closes it. */
  openAnother(): Store;
  /** Closes the store and deletes the directory (and on PostgreSQL the schema). */
  cleanup(): Promise<void>;
}

/** A temporary PostgreSQL store and the schema it lives in. */
export interface TempPostgresStore extends TempStore {
  store: PostgresStore;
  schema: string;
  openAnother(): PostgresStore;
}

/** Whether to apply the migrations (default true). */
export interface TempStoreOptions {
  migrate?: boolean;
}

/** The PostgreSQL server tests use. */
export const TEST_DATABASE_URL = process.env.OP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The skip reason, naming the address tried. */
export const POSTGRES_SKIP_MESSAGE = `postgres not reachable at ${new URL(TEST_DATABASE_URL).host}`;

/** Creates a fresh data directory under the OS temp dir and opens a SQLite store there, migrated unless told not to. */
export async function openTempStore(options: TempStoreOptions = {}): Promise<TempStore> {
  const dataDir = makeTempDir();
  const store = createStore({ dataDir });
  if (options.migrate !== false) await migrateToLatest(store.db);
  return {
    store,
    dataDir,
    openAnother: () => createStore({ dataDir }),
    async cleanup(): Promise<void> {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh schema on the test server and opens a PostgreSQL store in it, migrated unless told not to. */
export async function openTempPostgresStore(options: TempStoreOptions = {}): Promise<TempPostgresStore> {
  const schema = `op_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const dataDir = makeTempDir();
  const store = createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
  const cleanup = async (): Promise<void> => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await adminQuery(`drop schema if exists ${schema} cascade`);
  };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(store.db);
    } catch (error) {
      await cleanup();
      throw error;
    }
  }
  return {
    store,
    schema,
    dataDir,
    openAnother: () => createPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2 }),
    cleanup,
  };
}

let reachable: Promise<boolean> | undefined;

/**
 * Whether the test server answers (asked once per process).
 * @throws {Error} under `CI=true` when it does not.
 */
export function postgresReachable(): Promise<boolean> {
  reachable ??= adminQuery('select 1').then(
    () => true,
    (error: unknown) => {
      if (process.env.CI === 'true') throw new Error(`${POSTGRES_SKIP_MESSAGE} (CI=true requires it)`, { cause: error });
      return false;
    },
  );
  return reachable;
}

/** One dialect a suite runs on, with how to get a temporary store of it. */
export interface TestDialect {
  name: StoreDialect;
  openTempStore(options?: TempStoreOptions): Promise<TempStore>;
}

const SQLITE: TestDialect = { name: 'sqlite', openTempStore };
const POSTGRES: TestDialect = { name: 'postgres', openTempStore: openTempPostgresStore };

/**
 * Declares the suite `body` twice, as `<name> [sqlite]` and `<name> [postgres]`; the second is skipped with one
 * line when PostgreSQL is not reachable. Await it at the top level of a test file.
 */
export async function describeEachDialect(name: string, body: (dialect: TestDialect) => void): Promise<void> {
  const postgres = await postgresReachable();
  describe(`${name} [sqlite]`, () => body(SQLITE));
  if (postgres) describe(`${name} [postgres]`, () => body(POSTGRES));
  else describe(`${name} [postgres]`, { skip: POSTGRES_SKIP_MESSAGE }, () => undefined);
}

/** A PostgreSQL suite, skipped with one line when the server is not reachable. Await it at the top level. */
export async function describeWithPostgres(name: string, body: () => void): Promise<void> {
  if (await postgresReachable()) describe(name, body);
  else describe(name, { skip: POSTGRES_SKIP_MESSAGE }, () => undefined);
}

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'op-store-'));
}

/** Runs one statement on its own short-lived connection (schema management, the reachability probe). */
async function adminQuery(text: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(text);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Seeds a free account `acct_{id}` with one key `id` (hash `hash_{id}`), created at the start of 2025: the least a
 * test of key lookups and key-change notices needs.
 */
export async function seedKey(store: Store, id: string): Promise<void> {
  const createdAt = '2025-01-01T00:00:00.000Z';
  await createAccount(store.db, { id: `acct_${id}`, email: `${id}@example.com`, passwordHash: null, plan: 'free', createdAt });
  await insertApiKey(store.db, {
    id,
    accountId: `acct_${id}`,
    name: id,
    keyHash: `hash_${id}`,
    last4: 'abcd',
    defaultRouting: null,
    spendCapUsd: null,
    createdAt,
  });
}
