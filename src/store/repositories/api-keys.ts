/** @module Reading and writing `api_keys`. Secrets never reach this layer, only their hashes. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ApiKeysTable, BudgetPeriod, Database, Plan, RoutingMode } from '../database.js';
import type { CustomLimits } from './accounts.js';

/** A key's governance settings as stored (migration 0011); each null means "none". */
export interface KeyGovernanceColumns {
  /** USD per `budgetPeriod`. */
  budgetUsd: number | null;
  /** Set whenever `budgetUsd` is. */
  budgetPeriod: BudgetPeriod | null;
  /** The catalog ids and glob patterns the key may use, as a JSON array (checked when saved); null: every model. */
  allowedModels: string | null;
  /** The key's own requests per minute. */
  rpmLimit: number | null;
  /** The key's own tokens per minute. */
  tpmLimit: number | null;
  /** ISO-8601 UTC time from which the key is refused. */
  expiresAt: string | null;
}

/** One API key's stored metadata. */
export interface ApiKeyRecord extends KeyGovernanceColumns {
  id: string;
  accountId: string;
  name: string;
  keyHash: string;
  last4: string;
  defaultRouting: RoutingMode | null;
  /** Default `provider` routing preferences as JSON text (checked when saved); null: none. */
  defaultProvider: string | null;
  /** Seconds the key's answers are kept in the response cache by default; null: only when a request asks. */
  responseCacheTtlSeconds: number | null;
  spendCapUsd: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedFrom: string | null;
}

/** What {@link insertApiKey} needs; the caller generates the id and the hash. Governance omitted: none. */
export interface NewApiKey extends Partial<KeyGovernanceColumns> {
  id: string;
  accountId: string;
  name: string;
  keyHash: string;
  last4: string;
  defaultRouting: RoutingMode | null;
  /** JSON text; omitted or null: none. */
  defaultProvider?: string | null;
  /** Omitted or null: no default response-cache lifetime. */
  responseCacheTtlSeconds?: number | null;
  spendCapUsd: number | null;
  createdAt: string;
  rotatedFrom?: string | null;
}

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
export interface ApiKeyPatch extends Partial<KeyGovernanceColumns> {
  name?: string;
  defaultRouting?: RoutingMode | null;
  /** JSON text; null clears it. */
  defaultProvider?: string | null;
  /** Seconds; null clears it. */
  responseCacheTtlSeconds?: number | null;
  spendCapUsd?: number | null;
}

/** Inserts a key and returns it as stored. */
export async function insertApiKey(db: Kysely<Database>, key: NewApiKey): Promise<ApiKeyRecord> {
  const row = await db
    .insertInto('api_keys')
    .values({
      id: key.id,
      account_id: key.accountId,
      name: key.name,
      key_hash: key.keyHash,
      last4: key.last4,
      default_routing: key.defaultRouting,
      default_provider: key.defaultProvider ?? null,
      response_cache_ttl_s: key.responseCacheTtlSeconds ?? null,
      spend_cap_usd: key.spendCapUsd,
      created_at: key.createdAt,
      rotated_from: key.rotatedFrom ?? null,
      budget_usd: key.budgetUsd ?? null,
      budget_period: key.budgetPeriod ?? null,
      allowed_models: key.allowedModels ?? null,
      rpm_limit: key.rpmLimit ?? null,
      tpm_limit: key.tpmLimit ?? null,
      expires_at: key.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiKeyRecord(row);
}

/** How many keys of an account are usable at `nowIso`: not revoked (a rotated key in its grace period counts), not expired. */
export async function countActiveApiKeys(db: Kysely<Database>, accountId: string, nowIso: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', nowIso)]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every key of an account, revoked ones included, oldest first. */
export async function listApiKeys(db: Kysely<Database>, accountId: string): Promise<ApiKeyRecord[]> {
  // "Last used" comes from the ledger (indexed by key and time) rather than a write per request to api_keys,
  // which would also wake every instance's key cache.
  const rows = await db
    .selectFrom('api_keys')
    .selectAll('api_keys')
    .select((eb) =>
      eb
        .selectFrom('usage')
        .select((u) => u.fn.max('usage.created_at').as('last'))
        .whereRef('usage.key_id', '=', 'api_keys.id')
        .as('ledger_last_used_at'),
    )
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const record = toApiKeyRecord(row);
    const fromLedger = row.ledger_last_used_at;
    if (typeof fromLedger === 'string' && (record.lastUsedAt === null || fromLedger > record.lastUsedAt)) record.lastUsedAt = fromLedger;
    return record;
  });
}

/** The key with this id, if any. */
export async function findApiKeyById(db: Kysely<Database>, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toApiKeyRecord(row);
}

/**
 * Marks a key revoked at `now` (ISO-8601), cutting short a grace period scheduled after `now`.
 * @returns false when no active key has this id (unknown, or already revoked; the first revocation time is kept).
 */
export async function revokeApiKey(db: Kysely<Database>, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Schedules the revocation of a key that has none yet (rotation: `at` is now, or the end of the grace period).
 * @returns false when the key is unknown, revoked, or already scheduled (rotated before).
 */
export async function scheduleKeyRevocation(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Applies `patch` to the key with this id.
 * @returns the key as stored afterwards, or undefined when no key has this id.
 */
export async function updateApiKey(db: Kysely<Database>, id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | undefined> {
  const changes: Updateable<ApiKeysTable> = {
    name: patch.name,
    default_routing: patch.defaultRouting,
    default_provider: patch.defaultProvider,
    response_cache_ttl_s: patch.responseCacheTtlSeconds,
    spend_cap_usd: patch.spendCapUsd,
    budget_usd: patch.budgetUsd,
    budget_period: patch.budgetPeriod,
    allowed_models: patch.allowedModels,
    rpm_limit: patch.rpmLimit,
    tpm_limit: patch.tpmLimit,
    expires_at: patch.expiresAt,
  };
  if (Object.values(changes).every((value) => value === undefined)) return findApiKeyById(db, id);
  const row = await db.updateTable('api_keys').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
  return row === undefined ? undefined : toApiKeyRecord(row);
}

/**
 * The keys among `keyHashes` usable at `now` (never revoked, or in a rotation grace period that ends after `now`; not
 * expired), each with its account's plan, caps and limits: what the key cache looks up on a miss (one indexed read by hash).
 */
export async function listActiveKeysWithAccounts(db: Kysely<Database>, now: string, keyHashes: readonly string[]): Promise<ActiveKeyRow[]> {
  if (keyHashes.length === 0) return [];
  const rows = await db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .select([
      'api_keys.id as key_id',
      'api_keys.key_hash',
      'api_keys.account_id',
      'api_keys.default_routing',
      'api_keys.default_provider',
      'api_keys.response_cache_ttl_s',
      'api_keys.spend_cap_usd',
      'api_keys.revoked_at',
      'api_keys.budget_usd',
      'api_keys.budget_period',
      'api_keys.allowed_models',
      'api_keys.rpm_limit as key_rpm_limit',
      'api_keys.tpm_limit as key_tpm_limit',
      'api_keys.expires_at',
      'accounts.plan',
      'accounts.monthly_spend_cap_usd',
      'accounts.rpm_limit',
      'accounts.tpm_limit',
      'accounts.concurrent_limit',
      'accounts.included_tokens',
    ])
    .where('api_keys.key_hash', 'in', keyHashes)
    .where((eb) => eb.or([eb('api_keys.revoked_at', 'is', null), eb('api_keys.revoked_at', '>', now)]))
    .where((eb) => eb.or([eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', now)]))
    .execute();
  return rows.map((row) => ({
    keyId: row.key_id,
    keyHash: row.key_hash,
    accountId: row.account_id,
    plan: row.plan,
    defaultRouting: row.default_routing,
    defaultProvider: row.default_provider,
    responseCacheTtlSeconds: row.response_cache_ttl_s,
    keySpendCapUsd: row.spend_cap_usd,
    accountSpendCapUsd: row.monthly_spend_cap_usd,
    limits: {
      rpm: row.rpm_limit,
      tpm: row.tpm_limit,
      concurrent: row.concurrent_limit,
      includedTokens: row.included_tokens,
    },
    revokeAt: row.revoked_at,
    budgetUsd: row.budget_usd,
    budgetPeriod: row.budget_period,
    allowedModels: row.allowed_models,
    rpmLimit: row.key_rpm_limit,
    tpmLimit: row.key_tpm_limit,
    expiresAt: row.expires_at,
  }));
}

/** How many keys are stored, revoked ones included: what the key cache's filter of key hashes is sized for. */
export async function countKeys(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
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
  let query = db.selectFrom('api_keys').select('key_hash').orderBy('key_hash').limit(limit);
  if (afterHash !== null) query = query.where('key_hash', '>', afterHash);
  const rows = await query.execute();
  return rows.map((row) => row.key_hash);
}

function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    keyHash: row.key_hash,
    last4: row.last4,
    defaultRouting: row.default_routing,
    defaultProvider: row.default_provider,
    responseCacheTtlSeconds: row.response_cache_ttl_s,
    spendCapUsd: row.spend_cap_usd,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    rotatedFrom: row.rotated_from,
    budgetUsd: row.budget_usd,
    budgetPeriod: row.budget_period,
    allowedModels: row.allowed_models,
    rpmLimit: row.rpm_limit,
    tpmLimit: row.tpm_limit,
    expiresAt: row.expires_at,
  };
}
