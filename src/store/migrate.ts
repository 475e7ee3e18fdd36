/** @module Bringing a database's schema up to date. */
import { Migrator, sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect.js';
import { MigrationError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations applied by this run, in order; empty when the schema was already current. */
  applied: string[];
}

/**
 * The first key of the PostgreSQL advisory lock a migration run holds (arbitrary, chosen for this project); the
 * second is a hash of the schema, so deployments in different schemas of one database do not wait for each other.
 */
const MIGRATION_LOCK_CLASS = 0x4f50_4d47;

/**
 * Applies every pending migration. Idempotent and safe to run from several processes at once.
 *
 * SQLite: Kysely's run is one write transaction, which SQLite serialises. PostgreSQL: Kysely holds an advisory
 * lock while it applies migrations, but creates its bookkeeping tables (`kysely_migration`, `kysely_migration_lock`)
 * before taking it and only recovers from that race by re-checking; so the whole run is also wrapped in a
 * session-level advisory lock of our own, on a connection held apart for it. Instances starting together queue up:
 * the first migrates, the others find nothing to do.
 * @throws {MigrationError} naming the migration that failed. SQLite and PostgreSQL have transactional DDL, so
 * Kysely runs the whole batch in one transaction and a failure leaves the schema as it was before the run.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  if (dialectOf(db) !== 'postgres') return runMigrator(db, undefined);
  return db.connection().execute(async (lockConnection) => {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(lockConnection);
    const schema = rows[0]?.schema ?? null;
    if (schema === null) {
      throw new MigrationError('migration failed: no schema of search_path exists', undefined, undefined);
    }
    const lockKey = sql`${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(${schema})`;
    await sql`select pg_advisory_lock(${lockKey})`.execute(lockConnection);
    try {
      return await runMigrator(db, schema);
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`.execute(lockConnection);
    }
  });
}

/**
 * Runs Kysely's migrator. On PostgreSQL its bookkeeping tables are pinned to `schema` (the one the tables are
 * created in): left alone, it looks for them in every schema of the database and takes another schema's for ours.
 * Migrations and Kysely's bookkeeping speak SQL names, so they run without the naming plugin (`naming.ts`): what a
 * migration creates never depends on how the TypeScript side names things.
 */
async function runMigrator(db: Kysely<Database>, schema: string | undefined): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: db.withoutPlugins(),
    provider: migrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const message = failed === undefined ? `migration failed: ${reason}` : `migration ${failed} failed: ${reason}`;
    throw new MigrationError(message, failed, error);
  }
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
  };
}
