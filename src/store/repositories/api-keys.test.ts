import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openTempStore, type TempStore } from '../testing.js';
import { createAccount } from './accounts.js';
import {
  findApiKeyById,
  insertApiKey,
  listActiveKeysWithAccounts,
  listApiKeys,
  revokeApiKey,
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

describe('api keys repository', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
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

  it('lists active keys joined with their account', async () => {
    await insertApiKey(temp.store.db, newKey('key_a', '2025-01-02T00:00:00.000Z'));
    await insertApiKey(temp.store.db, newKey('key_b', '2025-01-03T00:00:00.000Z'));
    await revokeApiKey(temp.store.db, 'key_b', '2025-02-01T00:00:00.000Z');
    assert.deepEqual(await listActiveKeysWithAccounts(temp.store.db), [
      {
        keyId: 'key_a',
        keyHash: 'hash-key_a',
        accountId: 'acct_1',
        plan: 'pro',
        defaultRouting: 'latency',
        keySpendCapUsd: 10,
        accountSpendCapUsd: 99,
        limits: { rpm: null, tpm: 1000, concurrent: null, includedTokens: null },
      },
    ]);
  });
});
