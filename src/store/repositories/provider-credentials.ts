/**
 * @module Reading and writing `provider_credentials`. This layer only ever sees ciphertext; encryption and
 * decryption happen in `auth/provider-credentials.ts`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { lockAccount } from './accounts.js';

/** The encrypted form of one secret, as AES-256-GCM produces it (each part base64). */
export interface SealedSecret {
  ciphertext: string;
  iv: string;
  tag: string;
  /** Identifies the master key that sealed it. */
  keyFingerprint: string;
}

/** One stored credential: metadata plus the sealed secret. */
export interface ProviderCredentialRecord extends SealedSecret {
  id: string;
  accountId: string;
  provider: string;
  last4: string;
  /** ISO-8601. */
  createdAt: string;
}

/**
 * Stores a credential, replacing the account's existing one for the same provider (one per account and
 * provider), in one transaction (inside the caller's, if `db` is one).
 */
export async function replaceProviderCredential(db: Kysely<Database>, record: ProviderCredentialRecord): Promise<void> {
  const write = async (trx: Kysely<Database>): Promise<void> => {
    // Two concurrent replacements would both delete, then both insert and break the unique constraint (a 500).
    await lockAccount(trx, record.accountId);
    await trx.deleteFrom('providerCredentials').where('accountId', '=', record.accountId).where('provider', '=', record.provider).execute();
    await trx.insertInto('providerCredentials').values(record).execute();
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

/** An account's credentials, oldest first. */
export async function listProviderCredentials(db: Kysely<Database>, accountId: string): Promise<ProviderCredentialRecord[]> {
  return db.selectFrom('providerCredentials').selectAll().where('accountId', '=', accountId).orderBy('createdAt').orderBy('id').execute();
}

/** Every credential of every account (for the in-memory cache and master key rotation). */
export async function listAllProviderCredentials(db: Kysely<Database>): Promise<ProviderCredentialRecord[]> {
  return db.selectFrom('providerCredentials').selectAll().orderBy('id').execute();
}

/** Deletes the credential with this id if it belongs to `accountId`; false otherwise. */
export async function deleteProviderCredential(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('providerCredentials').where('id', '=', id).where('accountId', '=', accountId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Replaces the sealed secret of one credential (master key rotation); false when the id is unknown. */
export async function resealProviderCredential(db: Kysely<Database>, id: string, sealed: SealedSecret): Promise<boolean> {
  const result = await db
    .updateTable('providerCredentials')
    .set({ ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag, keyFingerprint: sealed.keyFingerprint })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
