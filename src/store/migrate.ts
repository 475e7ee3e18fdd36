/** @module Bringing a database's schema up to date. */
import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { MigrationError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations applied by this run, in order; empty when the schema was already current. */
  applied: string[];
}

/**
 * Applies every pending migration. Idempotent and safe to run from several processes at once (Kysely takes a
 * lock in `kysely_migration_lock`).
 * @throws {MigrationError} naming the migration that failed. SQLite and PostgreSQL have transactional DDL, so
 * Kysely runs the whole batch in one transaction and a failure leaves the schema as it was before the run.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      failed === undefined ? `migration failed: ${reason}` : `migration ${failed} failed: ${reason}`;
    throw new MigrationError(message, failed, error);
  }
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
  };
}
