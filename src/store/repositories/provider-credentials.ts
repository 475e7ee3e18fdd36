/**
 * @module Reading and writing `provider_credentials`. This layer only ever sees ciphertext; encryption and
 * decryption happen in `auth/provider-credentials.ts`.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, ProviderCredentialsTable } from '../database.js';
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
    await trx.deleteFrom('provider_credentials').where('account_id', '=', record.accountId).where('provider', '=', record.provider).execute();
    await trx.insertInto('provider_credentials').values(toRow(record)).execute();
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

/** An account's credentials, oldest first. */
export async function listProviderCredentials(db: Kysely<Database>, accountId: string): Promise<ProviderCredentialRecord[]> {
  const rows = await db
    .selectFrom('provider_credentials')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** Every credential of every account (for the in-memory cache and master key rotation). */
export async function listAllProviderCredentials(db: Kysely<Database>): Promise<ProviderCredentialRecord[]> {
  const rows = await db.selectFrom('provider_credentials').selectAll().orderBy('id').execute();
  return rows.map(toRecord);
}

/** Deletes the credential with this id if it belongs to `accountId`; false otherwise. */
export async function deleteProviderCredential(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('provider_credentials').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Replaces the sealed secret of one credential (master key rotation); false when the id is unknown. */
export async function resealProviderCredential(db: Kysely<Database>, id: string, sealed: SealedSecret): Promise<boolean> {
  const result = await db
    .updateTable('provider_credentials')
    .set({ ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag, key_fingerprint: sealed.keyFingerprint })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRow(record: ProviderCredentialRecord): Selectable<ProviderCredentialsTable> {
  return {
    id: record.id,
    account_id: record.accountId,
    provider: record.provider,
    ciphertext: record.ciphertext,
    iv: record.iv,
    tag: record.tag,
    key_fingerprint: record.keyFingerprint,
    last4: record.last4,
    created_at: record.createdAt,
  };
}

function toRecord(row: Selectable<ProviderCredentialsTable>): ProviderCredentialRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    provider: row.provider,
    ciphertext: row.ciphertext,
    iv: row.iv,
    tag: row.tag,
    keyFingerprint: row.key_fingerprint,
    last4: row.last4,
    createdAt: row.created_at,
  };
}
