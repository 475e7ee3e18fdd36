/** @module Creating accounts: validation, password hashing and id generation around the accounts repository. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  createAccount as insertAccount,
  DuplicateEmailError,
  findAccountByEmail,
  findAccountById,
  updateAccountLimits,
  updateAccountPassword,
  type AccountLimitsPatch,
  type AccountRecord,
  type CustomLimits,
  type Database,
} from '../store/index.js';
import { AuthServiceError } from './errors.js';
import { newAccountId } from './ids.js';
import { hashPassword, verifyPassword } from './password.js';
import { checkLimit, checkPassword, checkSpendCap, normalizeEmail, parsePlan } from './validate.js';

/** An account without its password hash: what may be shown or returned to a client. */
export type AccountInfo = Omit<AccountRecord, 'passwordHash'>;

/**
 * An account's plan, limit overrides and monthly spend cap. An omitted field is left as it is (on creation: the
 * plan's default, no cap); null removes an override (the plan's limit applies again) or the cap.
 */
export interface AccountLimitsInput {
  /** `free`, `pro` or `enterprise`. */
  plan?: string;
  /** Requests per minute; at least 1. */
  rpm?: number | null;
  /** Tokens per minute; at least 1. */
  tpm?: number | null;
  /** Requests in flight at once; at least 1. */
  concurrent?: number | null;
  /** Tokens per month included in the plan; 0 or more. */
  includedTokens?: number | null;
  /** USD per month; 0 or more. */
  monthlySpendCapUsd?: number | null;
}

/** What a new account starts with. */
export interface CreateAccountInput extends AccountLimitsInput {
  email: string;
  /** Omit for accounts that only use API keys (no dashboard login). */
  password?: string;
  /** `free`, `pro` or `enterprise`; defaults to `free`. */
  plan?: string;
}

/** I/O the accounts service uses. */
export interface AccountsServiceDeps {
  db: Kysely<Database>;
  now?: () => Date;
  /**
   * Called, and awaited, after a committed change to an account's plan, limits or cap. A process that also serves
   * requests with a `KeyCache` on the same store passes `() => cache.invalidate()`: SQLite's data_version does not
   * move for a connection's own writes. (Other processes, such as the CLI, are noticed through data_version.)
   */
  onChange?: () => void | Promise<void>;
}

/** Account operations; every method validates its input and throws {@link AuthServiceError} on caller mistakes. */
export interface AccountsService {
  /**
   * @throws {AuthServiceError} `invalid_email`, `invalid_password`, `invalid_plan`, `invalid_limit`,
   * `invalid_spend_cap` or `duplicate_email`.
   */
  createAccount(input: CreateAccountInput): Promise<AccountInfo>;
  /**
   * Changes the plan, limit overrides and spend cap of the account with this email; omitted fields are kept.
   * @throws {AuthServiceError} `invalid_email`, `invalid_plan`, `invalid_limit`, `invalid_spend_cap` or
   * `account_not_found`.
   */
  updateAccountLimits(email: string, input: AccountLimitsInput): Promise<AccountInfo>;
  /** The account with this email (any case), if any. @throws {AuthServiceError} `invalid_email`. */
  findAccountByEmail(email: string): Promise<AccountInfo | undefined>;
  /** The account with this id, if any. */
  findAccountById(id: string): Promise<AccountInfo | undefined>;
  /**
   * The account whose email and password these are, or undefined. Unknown emails, malformed emails and accounts
   * without a password cost one scrypt too, so timing does not tell which accounts exist.
   */
  authenticate(email: string, password: string): Promise<AccountInfo | undefined>;
  /**
   * Replaces the password of the account with this id, after checking its current one (which costs one scrypt
   * whether or not the account has a password). Ending the account's other sessions is the caller's part.
   * @throws {AuthServiceError} `wrong_password`, `invalid_password` or `account_not_found`.
   */
  changePassword(accountId: string, currentPassword: string, newPassword: string): Promise<void>;
}

/** Builds the accounts service over a database handle. */
export function createAccountsService(deps: AccountsServiceDeps): AccountsService {
  const now = deps.now ?? ((): Date => new Date());
  return {
    async authenticate(email: string, password: string): Promise<AccountInfo | undefined> {
      const normalized = email.trim().toLowerCase();
      const account = password.length > MAX_LOGIN_PASSWORD_LENGTH ? undefined : await findAccountByEmail(deps.db, normalized);
      const hash = account?.passwordHash ?? (await decoyHash());
      const matches = await verifyPassword(password.slice(0, MAX_LOGIN_PASSWORD_LENGTH), hash);
      return matches && account?.passwordHash ? withoutPasswordHash(account) : undefined;
    },

    async changePassword(accountId: string, currentPassword: string, newPassword: string): Promise<void> {
      checkPassword(newPassword);
      const account = await findAccountById(deps.db, accountId);
      if (account === undefined) throw new AuthServiceError('account_not_found', `no account with id ${accountId}`);
      const hash = currentPassword.length > MAX_LOGIN_PASSWORD_LENGTH ? null : account.passwordHash;
      const matches = await verifyPassword(currentPassword.slice(0, MAX_LOGIN_PASSWORD_LENGTH), hash ?? (await decoyHash()));
      if (!matches || hash === null) {
        throw new AuthServiceError('wrong_password', 'the current password is not right');
      }
      await updateAccountPassword(deps.db, accountId, await hashPassword(newPassword));
    },

    async findAccountById(id: string): Promise<AccountInfo | undefined> {
      const account = await findAccountById(deps.db, id);
      return account === undefined ? undefined : withoutPasswordHash(account);
    },

    async createAccount(input: CreateAccountInput): Promise<AccountInfo> {
      const email = normalizeEmail(input.email);
      const plan = parsePlan(input.plan ?? 'free');
      const { limits, monthlySpendCapUsd } = parseLimitsPatch(input);
      if (input.password !== undefined) checkPassword(input.password);
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      try {
        const account = await insertAccount(deps.db, {
          id: newAccountId(),
          email,
          passwordHash,
          plan,
          createdAt: now().toISOString(),
          limits,
          monthlySpendCapUsd,
        });
        return withoutPasswordHash(account);
      } catch (error) {
        if (error instanceof DuplicateEmailError) {
          throw new AuthServiceError('duplicate_email', error.message, { cause: error });
        }
        throw error;
      }
    },

    async findAccountByEmail(email: string): Promise<AccountInfo | undefined> {
      const account = await findAccountByEmail(deps.db, normalizeEmail(email));
      return account === undefined ? undefined : withoutPasswordHash(account);
    },

    async updateAccountLimits(email: string, input: AccountLimitsInput): Promise<AccountInfo> {
      const normalized = normalizeEmail(email);
      const patch = parseLimitsPatch(input);
      const existing = await findAccountByEmail(deps.db, normalized);
      const updated = existing === undefined ? undefined : await updateAccountLimits(deps.db, existing.id, patch);
      if (updated === undefined) {
        throw new AuthServiceError('account_not_found', `no account with email ${normalized}`);
      }
      await deps.onChange?.();
      return withoutPasswordHash(updated);
    },
  };
}

/** Passwords longer than the longest one an account can have are not hashed at all (a cheap denial of service). */
const MAX_LOGIN_PASSWORD_LENGTH = 1024;

let decoy: Promise<string> | undefined;

/** A hash of a random password, verified against when there is no real hash, so every login costs one scrypt. */
function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('base64'));
  return decoy;
}

/** Validates the limit fields of an input into a store patch; omitted fields stay omitted. */
function parseLimitsPatch(input: AccountLimitsInput): AccountLimitsPatch {
  const limits: Partial<CustomLimits> = {};
  if (input.rpm !== undefined) limits.rpm = checkLimit('rpm', input.rpm, 1);
  if (input.tpm !== undefined) limits.tpm = checkLimit('tpm', input.tpm, 1);
  if (input.concurrent !== undefined) limits.concurrent = checkLimit('concurrent', input.concurrent, 1);
  if (input.includedTokens !== undefined) {
    limits.includedTokens = checkLimit('included tokens', input.includedTokens, 0);
  }
  const patch: AccountLimitsPatch = { limits };
  if (input.plan !== undefined) patch.plan = parsePlan(input.plan);
  if (input.monthlySpendCapUsd !== undefined) patch.monthlySpendCapUsd = checkSpendCap(input.monthlySpendCapUsd);
  return patch;
}

function withoutPasswordHash(account: AccountRecord): AccountInfo {
  const { passwordHash: _passwordHash, ...info } = account;
  return info;
}
