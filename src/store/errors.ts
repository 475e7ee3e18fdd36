/** @module Errors the store raises in place of driver-specific ones. */

/** An account with this email already exists. */
export class DuplicateEmailError extends Error {
  readonly email: string;

  constructor(email: string, options?: { cause?: unknown }) {
    super(`an account with email ${email} already exists`, options);
    this.name = 'DuplicateEmailError';
    this.email = email;
  }
}

/** A migration failed; its run was rolled back. */
export class MigrationError extends Error {
  /** The migration that failed, when Kysely reports one. */
  readonly migration: string | undefined;

  constructor(message: string, migration: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
    this.migration = migration;
  }
}

/**
 * Whether a driver error is a UNIQUE constraint violation (primary keys excluded on SQLite).
 * @see https://www.sqlite.org/rescode.html#constraint_unique
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html (23505 unique_violation)
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = error.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
