/** @module Reading and writing `api_keys`. Secrets never reach this layer, only their hashes. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ApiKeysTable, Database, Plan, RoutingMode } from '../database.js';
import type { CustomLimits } from './accounts.js';

/** A key's governance settings as stored (migration 0011); each null means "none". */
export type KeyGovernanceColumns = Pick<
  Selectable<ApiKeysTable>,
  'budgetUsd' | 'budgetPeriod' | 'allowedModels' | 'rpmLimit' | 'tpmLimit' | 'expiresAt'
>;

/** One API key's stored metadata: its row, with `response_cache_ttl_s` read as `responseCacheTtlSeconds` (see {@link API_KEY_COLUMNS}). */
export type ApiKeyRecord = Omit<Selectable<ApiKeysTable>, 'responseCacheTtlS'> & {
  /** Seconds the key's answers are kept in the response cache by default; null: only when a request asks. */
  responseCacheTtlSeconds: number | null;
};

/**
 * What {@link insertApiKey} needs; the caller generates the id and the hash. The default provider, the response-cache
 * lifetime, the key it replaced and each governance setting may be omitted: none.
 */
export type NewApiKey = Pick<ApiKeyRecord, 'id' | 'accountId' | 'name' | 'keyHash' | 'last4' | 'defaultRouting' | 'spendCapUsd' | 'createdAt'> &
  Partial<Pick<ApiKeyRecord, 'defaultProvider' | 'responseCacheTtlSeconds' | 'rotatedFrom' | keyof KeyGovernanceColumns>>;

/**
 * An active key joined with its account: everything authentication and admission need per request. Its governance
 * fields (`rpmLimit`, `tpmLimit`: the key's own, beside the account's in `limits`) are absent in rows built by hand.
 */
export interface ActiveKeyRow extends Partial<KeyGovernanceColumns> {
  keyId: string;
  keyHash: string;
  accountId: string;
  plan: Plan;
  defaultRouting: RoutingMode | null;
  /** JSON text; null: none. */
  defaultProvider: string | null;
  /** The key's default response-cache lifetime in seconds; null or absent: none. */
  responseCacheTtlSeconds?: number | null;
  keySpendCapUsd: number | null;
  accountSpendCapUsd: number | null;
  limits: CustomLimits;
  /** When a rotated key's grace period ends (ISO-8601); null for a key with no revocation scheduled. */
  revokeAt: string | null;
}

/** Changes to a key's settings; an absent field is left as it is, null clears it. */
export type ApiKeyPatch = Partial<
  Pick<ApiKeyRecord, 'name' | 'defaultRouting' | 'defaultProvider' | 'responseCacheTtlSeconds' | 'spendCapUsd' | keyof KeyGovernanceColumns>
>;

/** The columns of an {@link ApiKeyRecord}, under its names: `response_cache_ttl_s` is read as `responseCacheTtlSeconds`. */
const API_KEY_COLUMNS = [
  'id',
  'accountId',
  'name',
  'keyHash',
  'last4',
  'defaultRouting',
  'defaultProvider',
  'responseCacheTtlS as responseCacheTtlSeconds',
  'spendCapUsd',
  'createdAt',
  'lastUsedAt',
  'revokedAt',
  'rotatedFrom',
  'budgetUsd',
  'budgetPeriod',
  'allowedModels',
  'rpmLimit',
  'tpmLimit',
  'expiresAt',
] as const;

/** Inserts a key and returns it as stored. */
export async function insertApiKey(db: Kysely<Database>, key: NewApiKey): Promise<ApiKeyRecord> {
  return db
    .insertInto('apiKeys')
    .values({
      id: key.id,
      accountId: key.accountId,
      name: key.name,
      keyHash: key.keyHash,
      last4: key.last4,
      defaultRouting: key.defaultRouting,
      defaultProvider: key.defaultProvider ?? null,
      responseCacheTtlS: key.responseCacheTtlSeconds ?? null,
      spendCapUsd: key.spendCapUsd,
      createdAt: key.createdAt,
      rotatedFrom: key.rotatedFrom ?? null,
      budgetUsd: key.budgetUsd ?? null,
      budgetPeriod: key.budgetPeriod ?? null,
      allowedModels: key.allowedModels ?? null,
      rpmLimit: key.rpmLimit ?? null,
      tpmLimit: key.tpmLimit ?? null,
      expiresAt: key.expiresAt ?? null,
    })
    .returning(API_KEY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** How many keys of an account are usable at `nowIso`: not revoked (a rotated key in its grace period counts), not expired. */
export async function countActiveApiKeys(db: Kysely<Database>, accountId: string, nowIso: string): Promise<number> {
  const row = await db
    .selectFrom('apiKeys')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('accountId', '=', accountId)
    .where((eb) => eb.or([eb('revokedAt', 'is', null), eb('revokedAt', '>', nowIso)]))
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', nowIso)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every key of an account, revoked ones included, oldest first. */
export async function listApiKeys(db: Kysely<Database>, accountId: string): Promise<ApiKeyRecord[]> {
  // "Last used" comes from the ledger (indexed by key and time) rather than a write per request to api_keys,
  // which would also wake every instance's key cache.
  const rows = await db
    .selectFrom('apiKeys')
    .select(API_KEY_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('usage')
        .select((u) => u.fn.max('usage.createdAt').as('last'))
        .whereRef('usage.keyId', '=', 'apiKeys.id')
        .as('ledgerLastUsedAt'),
    )
    .where('accountId', '=', accountId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map(({ ledgerLastUsedAt, ...record }) => {
    if (typeof ledgerLastUsedAt === 'string' && (record.lastUsedAt === null || ledgerLastUsedAt > record.lastUsedAt)) {
      return { ...record, lastUsedAt: ledgerLastUsedAt };
    }
    return record;
  });
}

/** The key with this id, if any. */
export async function findApiKeyById(db: Kysely<Database>, id: string): Promise<ApiKeyRecord | undefined> {
  return db.selectFrom('apiKeys').select(API_KEY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * Marks a key revoked at `now` (ISO-8601), cutting short a grace period scheduled after `now`.
 * @returns false when no active key has this id (unknown, or already revoked; the first revocation time is kept).
 */
export async function revokeApiKey(db: Kysely<Database>, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('revokedAt', 'is', null), eb('revokedAt', '>', now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Schedules the revocation of a key that has none yet (rotation: `at` is now, or the end of the grace period).
 * @returns false when the key is unknown, revoked, or already scheduled (rotated before).
 */
export async function scheduleKeyRevocation(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('apiKeys').set({ revokedAt: at }).where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Applies `patch` to the key with this id.
 * @returns the key as stored afterwards, or undefined when no key has this id.
 */
export async function updateApiKey(db: Kysely<Database>, id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | undefined> {
  const changes: Updateable<ApiKeysTable> = {
    name: patch.name,
    defaultRouting: patch.defaultRouting,
    defaultProvider: patch.defaultProvider,
    responseCacheTtlS: patch.responseCacheTtlSeconds,
    spendCapUsd: patch.spendCapUsd,
    budgetUsd: patch.budgetUsd,
    budgetPeriod: patch.budgetPeriod,
    allowedModels: patch.allowedModels,
    rpmLimit: patch.rpmLimit,
    tpmLimit: patch.tpmLimit,
    expiresAt: patch.expiresAt,
  };
  if (Object.values(changes).every((value) => value === undefined)) return findApiKeyById(db, id);
  return db.updateTable('apiKeys').set(changes).where('id', '=', id).returning(API_KEY_COLUMNS).executeTakeFirst();
}

/**
 * The keys among `keyHashes` usable at `now` (never revoked, or in a rotation grace period that ends after `now`; not
 * expired), each with its account's plan, caps and limits: what the key cache looks up on a miss (one indexed read by hash).
 */
export async function listActiveKeysWithAccounts(db: Kysely<Database>, now: string, keyHashes: readonly string[]): Promise<ActiveKeyRow[]> {
  if (keyHashes.length === 0) return [];
  const rows = await db
    .selectFrom('apiKeys')
    .innerJoin('accounts', 'accounts.id', 'apiKeys.accountId')
    .select([
      'apiKeys.id as keyId',
      'apiKeys.keyHash',
      'apiKeys.accountId',
      'apiKeys.defaultRouting',
      'apiKeys.defaultProvider',
      'apiKeys.responseCacheTtlS as responseCacheTtlSeconds',
      'apiKeys.spendCapUsd as keySpendCapUsd',
      'apiKeys.revokedAt as revokeAt',
      'apiKeys.budgetUsd',
      'apiKeys.budgetPeriod',
      'apiKeys.allowedModels',
      'apiKeys.rpmLimit',
      'apiKeys.tpmLimit',
      'apiKeys.expiresAt',
      'accounts.plan',
      'accounts.monthlySpendCapUsd as accountSpendCapUsd',
      'accounts.rpmLimit as accountRpmLimit',
      'accounts.tpmLimit as accountTpmLimit',
      'accounts.concurrentLimit',
      'accounts.includedTokens',
    ])
    .where('apiKeys.keyHash', 'in', keyHashes)
    .where((eb) => eb.or([eb('apiKeys.revokedAt', 'is', null), eb('apiKeys.revokedAt', '>', now)]))
    .where((eb) => eb.or([eb('apiKeys.expiresAt', 'is', null), eb('apiKeys.expiresAt', '>', now)]))
    .execute();
  return rows.map(({ accountRpmLimit, accountTpmLimit, concurrentLimit, includedTokens, ...key }) => ({
    ...key,
    limits: { rpm: accountRpmLimit, tpm: accountTpmLimit, concurrent: concurrentLimit, includedTokens },
  }));
}

/** How many keys are stored, revoked ones included: what the key cache's filter of key hashes is sized for. */
export async function countKeys(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('apiKeys')
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Up to `limit` key hashes (revoked keys included) in hash order after `afterHash` (null: from the first): one page of
 * the stream the key cache builds its filter from. Read from the unique index alone (an index-only scan on
 * PostgreSQL), so each page costs the same however many keys there are: filtering out revoked keys here made a
 * million-key stream four times slower.
 */
export async function listKeyHashes(db: Kysely<Database>, afterHash: string | null, limit: number): Promise<string[]> {
  let query = db.selectFrom('apiKeys').select('keyHash').orderBy('keyHash').limit(limit);
  if (afterHash !== null) query = query.where('keyHash', '>', afterHash);
  const rows = await query.execute();
  return rows.map((row) => row.keyHash);
}
