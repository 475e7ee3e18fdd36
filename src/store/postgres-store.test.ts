import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, it } from 'node:test';
import { sql } from 'kysely';
import { createPostgresStore } from './postgres-store.js';
import type { KeyChange } from './key-change-feed.js';
import { parseKeyChange } from './postgres-changes.js';
import { createAccount, updateAccountLimits } from './repositories/accounts.js';
import { replaceProviderCredential } from './repositories/provider-credentials.js';
import { listActiveKeysWithAccounts, revokeApiKey } from './repositories/api-keys.js';
import { insertUsageBatch } from './repositories/ledger.js';
import { describeWithPostgres, openTempPostgresStore, seedKey, TEST_DATABASE_URL, type TempPostgresStore } from './testing.js';

const CREATED_AT = '2025-01-01T00:00:00.000Z';

/** Waits for a condition without asserting how long it takes; gives up after a generous `limitMs`. */
async function eventually(condition: () => boolean, limitMs = 2000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(5);
  }
}

await describeWithPostgres('createPostgresStore', () => {
  let temp: TempPostgresStore;
  beforeEach(async () => {
    temp = await openTempPostgresStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('speaks postgres and returns int8 values as numbers, refusing unsafe ones', async () => {
    assert.equal(temp.store.dialect, 'postgres');
    const row = await sql<{ big: unknown; n: unknown }>`select 9007199254740991::int8 as big, count(*) as n from accounts`.execute(temp.store.db);
    assert.deepEqual(row.rows[0], { big: Number.MAX_SAFE_INTEGER, n: 0 });
    await assert.rejects(sql`select 9007199254740993::int8 as big`.execute(temp.store.db), RangeError);
  });

  it('rejects a pool below 2 connections and a schema that is not a plain identifier', () => {
    assert.throws(() => createPostgresStore({ url: TEST_DATABASE_URL, poolSize: 1 }), RangeError);
    assert.throws(() => createPostgresStore({ url: TEST_DATABASE_URL, schema: 'x; drop table y' }), RangeError);
  });

  it('announces the key hashes and account ids that writes of any connection change, and nothing of other schemas', async () => {
    const elsewhere = await openTempPostgresStore();
    const other = temp.openAnother();
    const changes: KeyChange[] = [];
    const stop = await temp.store.keyChanges.listen((change) => changes.push(change));
    try {
      await seedKey(other, 'key_a');
      assert.equal(await revokeApiKey(other.db, 'key_a', '2025-02-01T00:00:00.000Z'), true);
      await updateAccountLimits(other.db, 'acct_key_a', { plan: 'pro' });
      await insertUsageBatch(other.db, [usageRow()]);
      await seedKey(elsewhere.store, 'key_elsewhere');
      await other.db.deleteFrom('accounts').where('id', '=', 'acct_key_a').execute();
      await temp.store.keyChanges.catchUp();
      assert.deepEqual(changes, [
        { kind: 'keys', keyHashes: ['hash_key_a'] },
        { kind: 'keys', keyHashes: ['hash_key_a'] },
        { kind: 'accounts', accountIds: ['acct_key_a'] },
        // Deleting the account: its own notice, then its keys' (deleted by the cascade).
        { kind: 'accounts', accountIds: ['acct_key_a'] },
        { kind: 'keys', keyHashes: ['hash_key_a'] },
      ]);
      assert.deepEqual(await listActiveKeysWithAccounts(temp.store.db, '2025-03-01T00:00:00.000Z', ['hash_key_a']), []);
    } finally {
      stop();
      await other.close();
      await elsewhere.cleanup();
    }
  });

  it('announces `all` for a statement touching more keys than one notice holds', async () => {
    await createAccount(temp.store.db, { id: 'acct_bulk', email: 'bulk@example.com', passwordHash: null, plan: 'free', createdAt: CREATED_AT });
    const changes: KeyChange[] = [];
    const stop = await temp.store.keyChanges.listen((change) => changes.push(change));
    try {
      await sql`insert into api_keys (id, account_id, name, key_hash, last4, created_at)
        select 'key_' || n, 'acct_bulk', 'bulk', md5(n::text) || md5(n::text), 'abcd', ${CREATED_AT}
        from generate_series(1, 200) as n`.execute(temp.store.db);
      await temp.store.keyChanges.catchUp();
      assert.deepEqual(changes, [{ kind: 'all' }]);
    } finally {
      stop();
    }
  });

  it('moves dataVersion for provider credentials only, not for keys, accounts or the ledger', async () => {
    const other = temp.openAnother();
    try {
      await temp.store.whenListening();
      const before = temp.store.dataVersion();
      await seedKey(other, 'key_b');
      await insertUsageBatch(other.db, [usageRow()]);
      await replaceProviderCredential(other.db, {
        id: 'pk_1',
        accountId: 'acct_key_b',
        provider: 'openai',
        last4: 'abcd',
        createdAt: CREATED_AT,
        ciphertext: 'c',
        iv: 'i',
        tag: 't',
        keyFingerprint: 'f',
      });
      // Notifications arrive in commit order, so once the last write is seen the earlier ones would have been too.
      await eventually(() => temp.store.dataVersion() !== before);
      assert.equal(temp.store.dataVersion(), before + 1);
    } finally {
      await other.close();
    }
  });

  it('listens again after losing its connection: dataVersion moves and key listeners get `all`, then notices again', async () => {
    const applicationName = `op-test-${randomBytes(4).toString('hex')}`;
    const errors: unknown[] = [];
    const store = createPostgresStore({ url: TEST_DATABASE_URL, schema: temp.schema, applicationName, onError: (error) => errors.push(error) });
    const changes: KeyChange[] = [];
    try {
      await store.keyChanges.listen((change) => changes.push(change));
      const before = store.dataVersion();
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${`${applicationName} (changes)`}`.execute(
        temp.store.db,
      );
      await eventually(() => store.dataVersion() !== before);
      assert.ok(errors.length > 0);
      await store.whenListening();
      assert.deepEqual(changes, [{ kind: 'all' }]);
      await seedKey(temp.store, 'key_after');
      await store.keyChanges.catchUp();
      assert.deepEqual(changes.at(-1), { kind: 'keys', keyHashes: ['hash_key_after'] });
    } finally {
      await store.close();
    }
  });

  it('closes twice without complaint and refuses to wait for listening afterwards', async () => {
    const store = temp.openAnother();
    await store.whenListening();
    await store.close();
    await store.close();
    await assert.rejects(store.whenListening(), /closed/);
  });
});

function usageRow() {
  return {
    id: 'usage_1',
    requestId: 'req_1',
    accountId: 'acct_x',
    keyId: 'key_x',
    requestedModel: 'auto',
    routedModel: null,
    provider: null,
    byok: false,
    promptTokens: 1,
    completionTokens: 1,
    costUsd: 0,
    latencyMs: 1,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: CREATED_AT,
    endpoint: 'chat.completions' as const,
    estimated: false,
  };
}

it('reads key-change payloads: kinds, other schemas, and unknown kinds as `all`', () => {
  assert.deepEqual(parseKeyChange('s1\nkeys\nh1,h2', 's1'), { kind: 'keys', keyHashes: ['h1', 'h2'] });
  assert.deepEqual(parseKeyChange('s1\naccounts\nacct_1', 's1'), { kind: 'accounts', accountIds: ['acct_1'] });
  assert.deepEqual(parseKeyChange('s1\nall\n', 's1'), { kind: 'all' });
  assert.deepEqual(parseKeyChange('s1\nsomething-new\nx', 's1'), { kind: 'all' });
  assert.equal(parseKeyChange('s2\nkeys\nh1', 's1'), undefined);
});
