/**
 * @module Issuing, listing, revoking and rotating API keys. The secret exists only in the return value of
 * `createKey`/`rotateKey`; the database gets its SHA-256 and last four characters. A key's governance (budget,
 * allowed models, own rate limits, expiry: `key-governance.ts`) is checked in full before anything is written.
 */
import type { Kysely } from 'kysely';
import type { ProviderPreferences } from '../core/chat-request.js';
import {
  countActiveApiKeys,
  findAccountByEmail,
  findAccountById,
  findApiKeyById,
  insertApiKey,
  listApiKeys,
  lockAccount,
  revokeApiKey,
  scheduleKeyRevocation,
  updateApiKey,
  type AccountRecord,
  type ApiKeyRecord,
  type Database,
  type RoutingMode,
} from '../store/index.js';
import { generateApiKey, hashApiKey, last4 } from './api-key.js';
import { AuthServiceError } from './errors.js';
import { newKeyId } from './ids.js';
import {
  governanceColumnsOf,
  governancePatch,
  keyGovernanceOf,
  newKeyGovernance,
  type KeyGovernance,
  type KeyGovernanceInput,
} from './key-governance.js';
import { readProviderDefaults, writeProviderDefaults } from './provider-defaults.js';
import { checkCacheTtl, checkSpendCap, normalizeEmail, normalizeKeyName, parseRoutingMode } from './validate.js';

/** Names the account a key belongs to, by id or by email. */
export type AccountRef = { accountId: string } | { email: string };

/** Settings of a new key. */
export type CreateKeyInput = AccountRef &
  KeyGovernanceInput & {
    /** Defaults to `default`. */
    name?: string;
    /** `cost`, `latency` or `reliability`; null or omitted leaves the choice to the gateway's default. */
    routing?: string | null;
    /**
     * Default `provider` routing preferences, already checked against the catalog by the caller
     * (`checkProviderPreferences`); null, omitted or empty: none.
     */
    provider?: ProviderPreferences | null;
    /** Null or omitted: no per-key cap. */
    spendCapUsd?: number | null;
    /** Seconds the key's answers are kept in the response cache by default (1 to 30 days); null or omitted: none. */
    responseCacheTtlSeconds?: number | null;
  };

/** A key as shown to its owner: no secret, no hash. */
export interface KeyInfo extends KeyGovernance {
  id: string;
  accountId: string;
  name: string;
  last4: string;
  /** `expired` once its `expiresAt` has passed (it is refused like a revoked key). */
  status: 'active' | 'revoked' | 'expired';
  routing: RoutingMode | null;
  /** Default `provider` routing preferences; null: none. */
  provider: ProviderPreferences | null;
  /** Default response-cache lifetime in seconds; null: none. */
  responseCacheTtlSeconds: number | null;
  spendCapUsd: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedFrom: string | null;
  /** While a rotated key's grace period runs: when it ends (the key still works until then); otherwise null. */
  graceUntil: string | null;
}

/** A key just issued, with the secret; the only time the secret is available. */
export interface CreatedKey extends KeyInfo {
  secret: string;
}

/** Restricts an operation on a key id to one account's keys (the dashboard passes the signed-in account). */
export interface KeyScope {
  accountId?: string;
}

/** Changes to a key's settings; an omitted field is kept, null clears it. */
export interface UpdateKeyInput extends KeyGovernanceInput {
  name?: string;
  /** `cost`, `latency` or `reliability`; null: the gateway's default. */
  routing?: string | null;
  /** Default `provider` preferences, checked by the caller; they replace the key's whole object. Null or empty: none. */
  provider?: ProviderPreferences | null;
  /** USD per month; null: no per-key cap. */
  spendCapUsd?: number | null;
  /** Default response-cache lifetime in seconds; null: none. */
  responseCacheTtlSeconds?: number | null;
}

/** How a rotation retires the old key. */
export interface RotateKeyOptions {
  /** Seconds (0 to 86400, whole) the old secret keeps working; 0 or omitted revokes it at once. */
  graceSeconds?: number;
}

/** The longest grace period a rotation may give the old key: one day. */
export const MAX_ROTATION_GRACE_SECONDS = 86_400;

/** How many keys (not revoked) an account may hold at once, unless the deps say otherwise. */
export const DEFAULT_MAX_KEYS_PER_ACCOUNT = 100;

/** I/O the keys service uses. */
export interface KeysServiceDeps {
  db: Kysely<Database>;
  now?: () => Date;
  /**
   * Called after every committed change to keys, and awaited. A process that also authenticates with a
   * `KeyCache` on the same store passes `() => cache.invalidate()`: SQLite's data_version does not move for a
   * connection's own writes.
   */
  onChange?: () => void | Promise<void>;
  /**
   * Keys (not revoked, a rotated one in its grace period included) an account may hold at once; defaults to
   * {@link DEFAULT_MAX_KEYS_PER_ACCOUNT}. Every key created reloads the key cache on every instance, so an unbounded
   * number of them is a cheap way to make the whole gateway busy.
   */
  maxKeysPerAccount?: number;
}

/** Key operations; each throws {@link AuthServiceError} on caller mistakes. */
export interface KeysService {
  /**
   * Issues a key for an existing account, unless it already holds the most keys it may.
   * @throws {AuthServiceError} `account_not_found`, `invalid_email`, `invalid_name`, `invalid_routing`,
   * `invalid_spend_cap`, `invalid_cache_ttl`, a governance error (`key-governance.ts`) or `key_limit_reached`.
   */
  createKey(input: CreateKeyInput): Promise<CreatedKey>;
  /** Every key of the account, revoked ones included, oldest first. @throws {AuthServiceError} `account_not_found`. */
  listKeys(account: AccountRef): Promise<KeyInfo[]>;
  /**
   * Revokes a key; revoking a revoked key changes nothing and returns it.
   * @throws {AuthServiceError} `key_not_found`.
   */
  revokeKey(id: string, scope?: KeyScope): Promise<KeyInfo>;
  /**
   * Issues a new key with the old one's name, routing, provider preferences, cache lifetime, spend cap and governance
   * (budget, allowed models, rate limits, expiry), `rotatedFrom` set to the old id, and revokes the old one (at once,
   * or when the grace period ends), in one transaction. A key can be rotated once; an expired one cannot be.
   * @throws {AuthServiceError} `key_not_found`, `key_revoked` or `invalid_grace_period`.
   */
  rotateKey(id: string, scope?: KeyScope, options?: RotateKeyOptions): Promise<CreatedKey>;
  /**
   * Renames a key or changes its default routing, provider preferences, cache lifetime, spend cap or governance. Every
   * field is checked before anything is written: a refused change leaves the key as it was.
   * @throws {AuthServiceError} `key_not_found`, `invalid_name`, `invalid_routing`, `invalid_spend_cap`,
   * `invalid_cache_ttl` or a governance error (`key-governance.ts`).
   */
  updateKey(id: string, input: UpdateKeyInput, scope?: KeyScope): Promise<KeyInfo>;
}

/** Builds the keys service over a database handle. */
export function createKeysService(deps: KeysServiceDeps): KeysService {
  const now = deps.now ?? ((): Date => new Date());
  const changed = async (): Promise<void> => {
    await deps.onChange?.();
  };
  const toKeyInfo = (record: ApiKeyRecord): KeyInfo => keyInfoAt(record, now().toISOString());
  const maxKeys = deps.maxKeysPerAccount ?? DEFAULT_MAX_KEYS_PER_ACCOUNT;

  return {
    async createKey(input: CreateKeyInput): Promise<CreatedKey> {
      const name = normalizeKeyName(input.name ?? 'default');
      const routing = input.routing === undefined || input.routing === null ? null : parseRoutingMode(input.routing);
      const spendCapUsd = checkSpendCap(input.spendCapUsd ?? null);
      const responseCacheTtlSeconds = checkCacheTtl(input.responseCacheTtlSeconds ?? null);
      const nowDate = now();
      const governance = newKeyGovernance(input, nowDate);
      const account = await requireAccount(deps.db, input);
      const secret = generateApiKey();
      const createdAt = nowDate.toISOString();
      // Count and insert under the account's lock, so concurrent creations cannot all see room for one more.
      const record = await deps.db.transaction().execute(async (trx) => {
        if (!(await lockAccount(trx, account.id))) throw new AuthServiceError('account_not_found', `no account with id ${account.id}`);
        if ((await countActiveApiKeys(trx, account.id, createdAt)) >= maxKeys) {
          throw new AuthServiceError('key_limit_reached', `an account may hold at most ${maxKeys} active keys; revoke one to create another`);
        }
        return insertApiKey(trx, {
          id: newKeyId(),
          accountId: account.id,
          name,
          keyHash: hashApiKey(secret),
          last4: last4(secret),
          defaultRouting: routing,
          defaultProvider: writeProviderDefaults(input.provider ?? null),
          responseCacheTtlSeconds,
          spendCapUsd,
          createdAt,
          ...governance,
        });
      });
      await changed();
      return { ...toKeyInfo(record), secret };
    },

    async listKeys(ref: AccountRef): Promise<KeyInfo[]> {
      const account = await requireAccount(deps.db, ref);
      return (await listApiKeys(deps.db, account.id)).map(toKeyInfo);
    },

    async revokeKey(id: string, scope: KeyScope = {}): Promise<KeyInfo> {
      const existing = await requireKey(deps.db, id, scope);
      const timestamp = now().toISOString();
      if (existing.revokedAt !== null && existing.revokedAt <= timestamp) return toKeyInfo(existing);
      const revoked = await revokeApiKey(deps.db, id, timestamp);
      if (revoked) await changed();
      return toKeyInfo(await requireKey(deps.db, id, scope));
    },

    async rotateKey(id: string, scope: KeyScope = {}, options: RotateKeyOptions = {}): Promise<CreatedKey> {
      const graceSeconds = checkGraceSeconds(options.graceSeconds ?? 0);
      const secret = generateApiKey();
      const nowDate = now();
      const timestamp = nowDate.toISOString();
      const revokeAt = new Date(nowDate.getTime() + graceSeconds * 1000).toISOString();
      // Revoke first: the UPDATE takes the write lock at once, so two rotations of one key cannot both succeed.
      const record = await deps.db.transaction().execute(async (trx) => {
        const revoked = await scheduleKeyRevocation(trx, id, revokeAt);
        const old = await requireKey(trx, id, scope);
        if (!revoked) {
          const why = old.revokedAt !== null && old.revokedAt > timestamp ? 'has already been rotated' : 'is revoked';
          throw new AuthServiceError('key_revoked', `key ${id} ${why} and cannot be rotated`);
        }
        // The transaction is rolled back, so the old key keeps its state.
        if (old.expiresAt !== null && old.expiresAt <= timestamp)
          throw new AuthServiceError('key_revoked', `key ${id} has expired and cannot be rotated`);
        return insertApiKey(trx, {
          id: newKeyId(),
          accountId: old.accountId,
          name: old.name,
          keyHash: hashApiKey(secret),
          last4: last4(secret),
          defaultRouting: old.defaultRouting,
          defaultProvider: old.defaultProvider,
          responseCacheTtlSeconds: old.responseCacheTtlSeconds,
          spendCapUsd: old.spendCapUsd,
          createdAt: timestamp,
          rotatedFrom: old.id,
          ...governanceColumnsOf(old),
        });
      });
      await changed();
      return { ...toKeyInfo(record), secret };
    },

    async updateKey(id: string, input: UpdateKeyInput, scope: KeyScope = {}): Promise<KeyInfo> {
      const name = input.name === undefined ? undefined : normalizeKeyName(input.name);
      const routing = input.routing === undefined || input.routing === null ? input.routing : parseRoutingMode(input.routing);
      const spendCapUsd = input.spendCapUsd === undefined ? undefined : checkSpendCap(input.spendCapUsd);
      const defaultProvider = input.provider === undefined ? undefined : writeProviderDefaults(input.provider);
      const cacheTtl = input.responseCacheTtlSeconds === undefined ? undefined : checkCacheTtl(input.responseCacheTtlSeconds);
      const existing = await requireKey(deps.db, id, scope);
      const governance = governancePatch(input, existing, now());
      const patch = { name, defaultRouting: routing, defaultProvider, responseCacheTtlSeconds: cacheTtl, spendCapUsd, ...governance };
      const updated = await updateApiKey(deps.db, id, patch);
      if (updated === undefined) throw new AuthServiceError('key_not_found', `no key with id ${id}`);
      const settings = [routing, defaultProvider, cacheTtl, spendCapUsd, ...Object.values(governance)];
      if (settings.some((value) => value !== undefined)) await changed();
      return toKeyInfo(updated);
    },
  };
}

function checkGraceSeconds(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_ROTATION_GRACE_SECONDS) {
    throw new AuthServiceError(
      'invalid_grace_period',
      `grace period must be a whole number of seconds from 0 to ${MAX_ROTATION_GRACE_SECONDS}, got ${seconds}`,
    );
  }
  return seconds;
}

async function requireAccount(db: Kysely<Database>, ref: AccountRef): Promise<AccountRecord> {
  if ('accountId' in ref) {
    const account = await findAccountById(db, ref.accountId);
    if (account === undefined) throw new AuthServiceError('account_not_found', `no account with id ${ref.accountId}`);
    return account;
  }
  const email = normalizeEmail(ref.email);
  const account = await findAccountByEmail(db, email);
  if (account === undefined) throw new AuthServiceError('account_not_found', `no account with email ${email}`);
  return account;
}

async function requireKey(db: Kysely<Database>, id: string, scope: KeyScope): Promise<ApiKeyRecord> {
  const key = await findApiKeyById(db, id);
  if (key === undefined || (scope.accountId !== undefined && key.accountId !== scope.accountId)) {
    throw new AuthServiceError('key_not_found', `no key with id ${id}`);
  }
  return key;
}

/** A key as its owner sees it at `nowIso`: a revocation scheduled after then is a running grace period. */
function keyInfoAt(record: ApiKeyRecord, nowIso: string): KeyInfo {
  const inGrace = record.revokedAt !== null && record.revokedAt > nowIso;
  const revoked = record.revokedAt !== null && !inGrace;
  const expired = record.expiresAt !== null && record.expiresAt <= nowIso;
  return {
    ...keyGovernanceOf(record),
    id: record.id,
    accountId: record.accountId,
    name: record.name,
    last4: record.last4,
    status: revoked ? 'revoked' : expired ? 'expired' : 'active',
    routing: record.defaultRouting,
    provider: readProviderDefaults(record.defaultProvider),
    responseCacheTtlSeconds: record.responseCacheTtlSeconds,
    spendCapUsd: record.spendCapUsd,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
    rotatedFrom: record.rotatedFrom,
    graceUntil: inGrace ? record.revokedAt : null,
  };
}
