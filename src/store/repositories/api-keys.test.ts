import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../testing.js';
import { createAccount } from './accounts.js';
import { insertUsageBatch } from './ledger.js';
import {
  countKeys,
  findApiKeyById,
  insertApiKey,
  listActiveKeysWithAccounts,
  listApiKeys,
  listKeyHashes,
  revokeApiKey,
  scheduleKeyRevocation,
  updateApiKey,
  type NewApiKey,
} from './api-keys.js';

function newKey(id: string, createdAt: string): NewApiKey {
  return {
    id,
    accountId: 'acct_1',
    name: `name of ${id}`,
    keyHash: `hash-${id}`,
    last4: 'abcd',
    defaultRouting: 'latency',
    spendCapUsd: 10,
    createdAt,
  };
}

await describeEachDialect('api keys repository', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    await createAccount(temp.store.db, {
      id: 'acct_1',
      email: 'a@example.com',
      passwordHash: null,
      plan: 'pro',
      createdAt: '2025-01-01T00:00:00.000Z',
      limits: { tpm: 1000 },
      monthlySpendCapUsd: 99,
    });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('inserts, finds and lists keys oldest first', async () => {
    await insertApiKey(temp.store.db, newKey('key_b', '2025-01-03T00:00:00.000Z'));
    const first = await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    assert.equal(first.revokedAt, null);
    assert.equal(first.rotatedFrom, null);
    assert.deepEqual(await findApiKeyById(temp.store.db, 'key_a'), first);
    assert.equal(await findApiKeyById(temp.store.db, 'key_zzz'), undefined);
    const listed = await listApiKeys(temp.store.db, 'acct_1');
    assert.deepEqual(
      listed.map((key) => key.id),
      ['key_a', 'key_b'],
    );
  });

  it('reports "last used" from the newest ledger row of each key', async () => {
    await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    await insertApiKey(temp.store.db, newKey('key_b', '2025-01-02T00:00:00.000Z'));
    const row = (id: string, keyId: string, createdAt: string) => ({
      id,
      requestId: `req_${id}`,
      accountId: 'acct_1',
      keyId,
      requestedModel: 'm',
      routedModel: 'm',
      provider: 'p',
      byok: false,
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 0,
      latencyMs: 1,
      ttftMs: null,
      status: 200,
      errorCode: null,
      stream: false,
      createdAt,
      endpoint: 'chat.completions' as const,
      estimated: false,
    });
    await insertUsageBatch(temp.store.db, [row('u1', 'key_a', '2025-02-01T00:00:00.000Z'), row('u2', 'key_a', '2025-03-01T00:00:00.000Z')]);
    const keys = await listApiKeys(temp.store.db, 'acct_1');
    assert.deepEqual(
      keys.map((k) => [k.id, k.lastUsedAt]),
      [
        ['key_a', '2025-03-01T00:00:00.000Z'],
        ['key_b', null],
      ],
    );
  });

  it('refuses a key for an account that does not exist', async () => {
    const orphan = { ...newKey('key_x', '2025-01-02T00:00:00.000Z'), accountId: 'acct_no' };
    await assert.rejects(insertApiKey(temp.store.db, orphan));
  });

  it('revokes once and keeps the first revocation time', async () => {
    await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    assert.equal(await revokeApiKey(temp.store.db, 'key_a', '2025-02-01T00:00:00.000Z'), true);
    assert.equal(await revokeApiKey(temp.store.db, 'key_a', '2025-03-01T00:00:00.000Z'), false);
    assert.equal(await revokeApiKey(temp.store.db, 'key_missing', '2025-03-01T00:00:00.000Z'), false);
    assert.equal((await findApiKeyById(temp.store.db, 'key_a'))?.revokedAt, '2025-02-01T00:00:00.000Z');
  });

  it('finds usable keys by hash, joined with their account', async () => {
    await insertApiKey(temp.store.db, { ...newKey('key_a', '2025-01-02T00:00:00.000Z'), responseCacheTtlSeconds: 600 });
    await insertApiKey(temp.store.db, newKey('key_b', '2025-01-03T00:00:00.000Z'));
    await revokeApiKey(temp.store.db, 'key_b', '2025-02-01T00:00:00.000Z');
    const hashes = ['hash-key_a', 'hash-key_b', 'hash-missing'];
    assert.deepEqual(await listActiveKeysWithAccounts(temp.store.db, '2025-03-01T00:00:00.000Z', hashes), [
      {
        keyId: 'key_a',
        keyHash: 'hash-key_a',
        accountId: 'acct_1',
        plan: 'pro',
        defaultRouting: 'latency',
        defaultProvider: null,
        responseCacheTtlSeconds: 600,
        keySpendCapUsd: 10,
        accountSpendCapUsd: 99,
        limits: { rpm: null, tpm: 1000, concurrent: null, includedTokens: null },
        revokeAt: null,
        budgetUsd: null,
        budgetPeriod: null,
        allowedModels: null,
        rpmLimit: null,
        tpmLimit: null,
        expiresAt: null,
      },
    ]);
  });

  it("sets and clears a key's default response-cache lifetime", async () => {
    const created = await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    assert.equal(created.responseCacheTtlSeconds, null);
    assert.equal((await updateApiKey(temp.store.db, 'key_a', { responseCacheTtlSeconds: 300 }))?.responseCacheTtlSeconds, 300);
    assert.equal((await updateApiKey(temp.store.db, 'key_a', { name: 'renamed' }))?.responseCacheTtlSeconds, 300);
    assert.equal((await updateApiKey(temp.store.db, 'key_a', { responseCacheTtlSeconds: null }))?.responseCacheTtlSeconds, null);
  });

  it('counts the keys and pages through their hashes in order, revoked ones included', async () => {
    for (const id of ['key_c', 'key_a', 'key_d', 'key_b', 'key_e']) await insertApiKey(temp.store.db, newKey(id, '2025-01-02T00:00:00.000Z'));
    await revokeApiKey(temp.store.db, 'key_d', '2025-02-01T00:00:00.000Z');
    assert.equal(await countKeys(temp.store.db), 5);
    assert.deepEqual(await listKeyHashes(temp.store.db, null, 3), ['hash-key_a', 'hash-key_b', 'hash-key_c']);
    assert.deepEqual(await listKeyHashes(temp.store.db, 'hash-key_c', 3), ['hash-key_d', 'hash-key_e']);
    assert.deepEqual(await listKeyHashes(temp.store.db, 'hash-key_e', 3), []);
  });

  it('keeps a key in its grace period active until the scheduled time, and revoking cuts it short', async () => {
    await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    assert.equal(await scheduleKeyRevocation(temp.store.db, 'key_a', '2025-02-01T01:00:00.000Z'), true);
    assert.equal(await scheduleKeyRevocation(temp.store.db, 'key_a', '2025-02-01T02:00:00.000Z'), false);
    const during = await listActiveKeysWithAccounts(temp.store.db, '2025-02-01T00:30:00.000Z', ['hash-key_a']);
    assert.deepEqual(
      during.map((row) => [row.keyId, row.revokeAt]),
      [['key_a', '2025-02-01T01:00:00.000Z']],
    );
    assert.deepEqual(await listActiveKeysWithAccounts(temp.store.db, '2025-02-01T01:00:00.000Z', ['hash-key_a']), []);
    assert.equal(await revokeApiKey(temp.store.db, 'key_a', '2025-02-01T00:40:00.000Z'), true);
    assert.equal((await findApiKeyById(temp.store.db, 'key_a'))?.revokedAt, '2025-02-01T00:40:00.000Z');
  });

  it('updates name, routing and cap; omitted fields stay, null clears', async () => {
    await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    const renamed = await updateApiKey(temp.store.db, 'key_a', { name: 'prod', spendCapUsd: null });
    assert.equal(renamed?.name, 'prod');
    assert.equal(renamed?.spendCapUsd, null);
    assert.equal(renamed?.defaultRouting, 'latency');
    assert.equal((await updateApiKey(temp.store.db, 'key_a', {}))?.name, 'prod');
    assert.equal(await updateApiKey(temp.store.db, 'key_missing', { name: 'x' }), undefined);
  });
});
