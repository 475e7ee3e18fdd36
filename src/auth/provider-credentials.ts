/**
 * @module Accounts' own provider keys (BYOK): format check, sealing with the master key, and an in-memory table of
 * the decrypted keys that the gateway reads on every request without touching the database.
 *
 * The table is loaded once by `load()` and updated by this service's own `add` and `remove` after each commit.
 * Credentials changed by another process are not seen until `load()` runs again (the dashboard API is the only
 * writer in the embedded setup). Plaintext leaves this module only through `keysForAccount`.
 */
import type { Kysely } from 'kysely';
import {
  deleteProviderCredential,
  listAllProviderCredentials,
  listProviderCredentials,
  replaceProviderCredential,
  resealProviderCredential,
  type Database,
  type ProviderCredentialRecord,
} from '../store/index.js';
import { last4 } from './api-key.js';
import { AuthServiceError } from './errors.js';
import { newProviderCredentialId } from './ids.js';
import type { SecretCipher } from './secrets.js';

/** A stored credential as its owner sees it: never the key, only its last four characters. */
export interface ProviderCredentialInfo {
  id: string;
  provider: string;
  last4: string;
  /** ISO-8601. */
  createdAt: string;
}

/** I/O and configuration of the service. */
export interface ProviderCredentialsDeps {
  db: Kysely<Database>;
  cipher: SecretCipher;
  /** Every provider a credential may be added for, with the pattern its keys must match. */
  formats: ReadonlyMap<string, RegExp>;
  now?: () => Date;
}

const EMPTY: ReadonlyMap<string, string> = new Map();
const MAX_KEY_LENGTH = 512;

/** Adds, lists and removes provider credentials, and serves the decrypted ones from memory. */
export class ProviderCredentialsService {
  readonly #deps: ProviderCredentialsDeps;
  readonly #now: () => Date;
  /** accountId → provider → API key. */
  #byAccount = new Map<string, ReadonlyMap<string, string>>();

  constructor(deps: ProviderCredentialsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? ((): Date => new Date());
  }

  /** Provider ids a credential may be added for, in configured order. */
  get providers(): readonly string[] {
    return [...this.#deps.formats.keys()];
  }

  /**
   * (Re)loads and decrypts every stored credential. Call once before serving.
   * @throws {MasterKeyError} when a credential was sealed under another master key: starting anyway would silently
   * bill BYOK traffic to the gateway's own provider keys.
   */
  async load(): Promise<void> {
    const rows = await listAllProviderCredentials(this.#deps.db);
    const byAccount = new Map<string, Map<string, string>>();
    for (const row of rows) {
      const keys = byAccount.get(row.accountId) ?? new Map<string, string>();
      keys.set(row.provider, this.#deps.cipher.open(row, credentialContext(row.accountId, row.provider)));
      byAccount.set(row.accountId, keys);
    }
    this.#byAccount = byAccount;
  }

  /**
   * The account's provider keys by provider id; empty when it has none. Pure memory, for the request path.
   */
  keysForAccount(accountId: string): ReadonlyMap<string, string> {
    return this.#byAccount.get(accountId) ?? EMPTY;
  }

  /**
   * The trimmed key when it has the provider's format.
   * @throws {AuthServiceError} `invalid_provider` or `invalid_provider_key` (the message never repeats the key).
   */
  checkFormat(provider: string, apiKey: string): string {
    const pattern = this.#deps.formats.get(provider);
    if (pattern === undefined) {
      throw new AuthServiceError('invalid_provider', `unknown provider ${JSON.stringify(provider)}: expected one of ${this.providers.join(', ')}`);
    }
    const key = apiKey.trim();
    if (key.length > MAX_KEY_LENGTH || !pattern.test(key)) {
      throw new AuthServiceError('invalid_provider_key', `this does not look like a valid ${provider} API key`);
    }
    return key;
  }

  /**
   * Stores a credential (replacing the account's previous one for the same provider) and makes it live.
   * @throws {AuthServiceError} as {@link checkFormat}.
   */
  async add(accountId: string, provider: string, apiKey: string): Promise<ProviderCredentialInfo> {
    const key = this.checkFormat(provider, apiKey);
    const record: ProviderCredentialRecord = {
      id: newProviderCredentialId(),
      accountId,
      provider,
      last4: last4(key),
      createdAt: this.#now().toISOString(),
      ...this.#deps.cipher.seal(key, credentialContext(accountId, provider)),
    };
    await replaceProviderCredential(this.#deps.db, record);
    this.#set(accountId, provider, key);
    return toInfo(record);
  }

  /** The account's credentials, oldest first. */
  async list(accountId: string): Promise<ProviderCredentialInfo[]> {
    return (await listProviderCredentials(this.#deps.db, accountId)).map(toInfo);
  }

  /**
   * Deletes one of the account's credentials. Another account's id is reported exactly like an unknown one.
   * @throws {AuthServiceError} `credential_not_found`.
   */
  async remove(accountId: string, id: string): Promise<void> {
    const existing = (await listProviderCredentials(this.#deps.db, accountId)).find((row) => row.id === id);
    if (existing === undefined || !(await deleteProviderCredential(this.#deps.db, accountId, id))) {
      throw new AuthServiceError('credential_not_found', `no provider key with id ${id}`);
    }
    this.#set(accountId, existing.provider, undefined);
  }

  #set(accountId: string, provider: string, key: string | undefined): void {
    const next = new Map(this.keysForAccount(accountId));
    if (key === undefined) next.delete(provider);
    else next.set(provider, key);
    if (next.size === 0) this.#byAccount.delete(accountId);
    else this.#byAccount.set(accountId, next);
  }
}

/**
 * Re-encrypts every stored credential from one master key to another in one transaction: all rows move to the new
 * key or none do. Returns how many rows were re-encrypted.
 * @throws {MasterKeyError} when a row does not open with `from` (nothing is changed).
 */
export async function resealAllCredentials(db: Kysely<Database>, from: SecretCipher, to: SecretCipher): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await listAllProviderCredentials(trx);
    for (const row of rows) {
      const context = credentialContext(row.accountId, row.provider);
      await resealProviderCredential(trx, row.id, to.seal(from.open(row, context), context));
    }
    return rows.length;
  });
}

/** The associated data a credential is sealed with: its owner and provider. */
export function credentialContext(accountId: string, provider: string): string {
  return `provider_credentials:${accountId}:${provider}`;
}

function toInfo(record: ProviderCredentialRecord): ProviderCredentialInfo {
  return { id: record.id, provider: record.provider, last4: record.last4, createdAt: record.createdAt };
}
