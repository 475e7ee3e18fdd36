/** @module Reading and writing `accounts`. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { AccountsTable, Database, Plan } from '../database.js';
import { DuplicateEmailError, isUniqueViolation } from '../errors.js';

/** Per-account overrides of the plan's limits; null means "use the plan's". */
export interface CustomLimits {
  rpm: number | null;
  tpm: number | null;
  concurrent: number | null;
  includedTokens: number | null;
}

/** An account as the rest of the gateway sees it. */
export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string | null;
  plan: Plan;
  limits: CustomLimits;
  monthlySpendCapUsd: number | null;
  /** ISO-8601. */
  createdAt: string;
}

/** What {@link createAccount} needs; the caller generates the id and validates the fields. */
export interface NewAccount {
  id: string;
  email: string;
  passwordHash: string | null;
  plan: Plan;
  createdAt: string;
  limits?: Partial<CustomLimits>;
  monthlySpendCapUsd?: number | null;
}

/** Changes to an account's plan, limits and cap. An absent field is left as it is; null clears an override. */
export interface AccountLimitsPatch {
  plan?: Plan;
  limits?: Partial<CustomLimits>;
  monthlySpendCapUsd?: number | null;
}

/**
 * Inserts an account.
 * @throws {DuplicateEmailError} when the email is taken (decided by the unique index, so it is race-free).
 */
export async function createAccount(db: Kysely<Database>, account: NewAccount): Promise<AccountRecord> {
  try {
    const row = await db
      .insertInto('accounts')
      .values({
        id: account.id,
        email: account.email,
        passwordHash: account.passwordHash,
        plan: account.plan,
        rpmLimit: account.limits?.rpm ?? null,
        tpmLimit: account.limits?.tpm ?? null,
        concurrentLimit: account.limits?.concurrent ?? null,
        includedTokens: account.limits?.includedTokens ?? null,
        monthlySpendCapUsd: account.monthlySpendCapUsd ?? null,
        createdAt: account.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAccountRecord(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateEmailError(account.email, { cause: error });
    throw error;
  }
}

/** The account with exactly this email (callers normalise case first), if any. */
export async function findAccountByEmail(db: Kysely<Database>, email: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
  return row === undefined ? undefined : toAccountRecord(row);
}

/** The account with this id, if any. */
export async function findAccountById(db: Kysely<Database>, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toAccountRecord(row);
}

/**
 * Applies `patch` to the account with this id in one UPDATE.
 * @returns the account as stored afterwards, or undefined when no account has this id.
 */
export async function updateAccountLimits(db: Kysely<Database>, id: string, patch: AccountLimitsPatch): Promise<AccountRecord | undefined> {
  const changes: Updateable<AccountsTable> = {
    plan: patch.plan,
    rpmLimit: patch.limits?.rpm,
    tpmLimit: patch.limits?.tpm,
    concurrentLimit: patch.limits?.concurrent,
    includedTokens: patch.limits?.includedTokens,
    monthlySpendCapUsd: patch.monthlySpendCapUsd,
  };
  // Kysely leaves undefined values out of SET; with nothing to set there is no statement to run.
  if (Object.values(changes).every((value) => value === undefined)) return findAccountById(db, id);
  const row = await db.updateTable('accounts').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row === undefined ? undefined : toAccountRecord(row);
}

/** Replaces an account's password hash; false when no account has this id. */
export async function updateAccountPassword(db: Kysely<Database>, id: string, passwordHash: string): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ passwordHash }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Inside a transaction: locks the account's row until the transaction ends (a no-op UPDATE takes SQLite's write
 * lock and PostgreSQL's row lock alike), so checks of the account's other rows and the writes that follow cannot
 * interleave with another transaction doing the same. False when no account has this id.
 */
export async function lockAccount(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set((eb) => ({ plan: eb.ref('plan') }))
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A row as an {@link AccountRecord}: the four limit columns gathered into `limits`. */
function toAccountRecord(row: Selectable<AccountsTable>): AccountRecord {
  const { rpmLimit, tpmLimit, concurrentLimit, includedTokens, ...account } = row;
  return { ...account, limits: { rpm: rpmLimit, tpm: tpmLimit, concurrent: concurrentLimit, includedTokens } };
}
