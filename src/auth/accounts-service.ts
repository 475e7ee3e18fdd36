/** @module Creating accounts: validation, password hashing and id generation around the accounts repository. */
import type { Kysely } from 'kysely';
import {
  createAccount as insertAccount,
  DuplicateEmailError,
  findAccountByEmail,
  type AccountRecord,
  type Database,
} from '../store/index.js';
import { AuthServiceError } from './errors.js';
import { newAccountId } from './ids.js';
import { hashPassword } from './password.js';
import { checkPassword, normalizeEmail, parsePlan } from './validate.js';

/** An account without its password hash: what may be shown or returned to a client. */
export type AccountInfo = Omit<AccountRecord, 'passwordHash'>;

/** What a new account starts with. */
export interface CreateAccountInput {
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
}

/** Account operations; every method validates its input and throws {@link AuthServiceError} on caller mistakes. */
export interface AccountsService {
  /** @throws {AuthServiceError} `invalid_email`, `invalid_password`, `invalid_plan` or `duplicate_email`. */
  createAccount(input: CreateAccountInput): Promise<AccountInfo>;
  /** The account with this email (any case), if any. @throws {AuthServiceError} `invalid_email`. */
  findAccountByEmail(email: string): Promise<AccountInfo | undefined>;
}

/** Builds the accounts service over a database handle. */
export function createAccountsService(deps: AccountsServiceDeps): AccountsService {
  const now = deps.now ?? ((): Date => new Date());
  return {
    async createAccount(input: CreateAccountInput): Promise<AccountInfo> {
      const email = normalizeEmail(input.email);
      const plan = parsePlan(input.plan ?? 'free');
      if (input.password !== undefined) checkPassword(input.password);
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      try {
        const account = await insertAccount(deps.db, {
          id: newAccountId(),
          email,
          passwordHash,
          plan,
          createdAt: now().toISOString(),
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
  };
}

function withoutPasswordHash(account: AccountRecord): AccountInfo {
  const { passwordHash: _passwordHash, ...info } = account;
  return info;
}
