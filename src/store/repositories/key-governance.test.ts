/**
 * @module The store's side of per-key governance and end-user attribution (migration 0011), on both dialects: a
 * key's budget, allow-list, rate limits and expiry stored, changed and read back for authentication (an expired key is
 * no longer found, nor counted against the account's key cap); end users in the ledger, their report, and one
 * request's row by id within its account.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../testing.js';
import { createAccount } from './accounts.js';
import { countActiveApiKeys, findApiKeyById, insertApiKey, listActiveKeysWithAccounts, updateApiKey, type NewApiKey } from './api-keys.js';
import { findUsageByRequestId, insertUsageBatch, type UsageRecord } from './ledger.js';
import { listUsageLog, monthlyTotals, usageByEndUser, usageSeries } from './usage-reports.js';

const NOW = '2026-05-10T12:00:00.000Z';

function key(id: string, overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    id,
    accountId: 'acct_1',
    name: id,
    keyHash: `hash-${id}`,
    last4: 'abcd',
    defaultRouting: null,
    spendCapUsd: null,
    createdAt: '2026-05-01T00:00:00.000Z',
    ...overrides,
  };
}

function row(id: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: `usage_${id}`,
    requestId: `req_${id}`,
    accountId: 'acct_1',
    keyId: 'key_a',
    requestedModel: 'auto',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.5,
    latencyMs: 100,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: '2026-05-10T10:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
    ...overrides,
  };
}

await describeEachDialect('key governance in the store', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    for (const id of ['acct_1', 'acct_2']) {
      await createAccount(temp.store.db, { id, email: `${id}@example.com`, passwordHash: null, plan: 'pro', createdAt: '2026-01-01T00:00:00.000Z' });
    }
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it("stores a key's budget, allow-list, rate limits and expiry, and hands them to authentication", async () => {
    const governance = {
      budgetUsd: 2.5,
      budgetPeriod: 'weekly' as const,
      allowedModels: '["gpt-4o-mini","claude-*"]',
      rpmLimit: 10,
      tpmLimit: 5000,
      expiresAt: '2026-06-01T00:00:00.000Z',
    };
    const stored = await insertApiKey(temp.store.db, key('key_a', governance));
    assert.deepEqual({ ...stored, ...governance }, stored);
    const [active] = await listActiveKeysWithAccounts(temp.store.db, NOW, ['hash-key_a']);
    assert.ok(active);
    assert.deepEqual(
      [active.budgetUsd, active.budgetPeriod, active.allowedModels, active.rpmLimit, active.tpmLimit, active.expiresAt],
      Object.values(governance),
    );
    const plain = await insertApiKey(temp.store.db, key('key_b'));
    assert.deepEqual(
      [plain.budgetUsd, plain.budgetPeriod, plain.allowedModels, plain.rpmLimit, plain.tpmLimit, plain.expiresAt],
      [null, null, null, null, null, null],
    );
  });

  it('changes only the fields a patch names, and null clears them', async () => {
    await insertApiKey(temp.store.db, key('key_a', { budgetUsd: 1, budgetPeriod: 'daily', rpmLimit: 5 }));
    const changed = await updateApiKey(temp.store.db, 'key_a', { tpmLimit: 900, expiresAt: '2027-01-01T00:00:00.000Z' });
    assert.deepEqual([changed?.budgetUsd, changed?.budgetPeriod, changed?.rpmLimit, changed?.tpmLimit], [1, 'daily', 5, 900]);
    const cleared = await updateApiKey(temp.store.db, 'key_a', { budgetUsd: null, budgetPeriod: null, rpmLimit: null, expiresAt: null });
    assert.deepEqual([cleared?.budgetUsd, cleared?.budgetPeriod, cleared?.rpmLimit, cleared?.expiresAt], [null, null, null, null]);
    assert.equal((await findApiKeyById(temp.store.db, 'key_a'))?.tpmLimit, 900);
  });

  it('no longer finds an expired key for authentication, nor counts it against the key cap', async () => {
    await insertApiKey(temp.store.db, key('key_a', { expiresAt: '2026-05-10T12:00:00.001Z' }));
    await insertApiKey(temp.store.db, key('key_b', { expiresAt: NOW }));
    const found = await listActiveKeysWithAccounts(temp.store.db, NOW, ['hash-key_a', 'hash-key_b']);
    assert.deepEqual(
      found.map((k) => k.keyId),
      ['key_a'],
      'a key is refused from its expiry on',
    );
    assert.equal(await countActiveApiKeys(temp.store.db, 'acct_1', NOW), 1);
  });

  it('records end users, reports usage per end user (costliest first) and filters by one', async () => {
    await insertUsageBatch(temp.store.db, [
      row('1', { endUser: 'alice', costUsd: 0.25 }),
      row('2', { endUser: 'bob', costUsd: 1 }),
      row('3', { endUser: 'alice', costUsd: 0.5 }),
      row('4', { endUser: null }),
      row('5', { endUser: 'mallory', accountId: 'acct_2' }),
    ]);
    const range = { accountId: 'acct_1', fromIso: '2026-05-01T00:00:00.000Z' };
    assert.deepEqual(await usageByEndUser(temp.store.db, range, 10), [
      { endUser: 'bob', requests: 1, tokens: 15, costUsd: 1 },
      { endUser: 'alice', requests: 2, tokens: 30, costUsd: 0.75 },
    ]);
    assert.deepEqual(await usageByEndUser(temp.store.db, range, 1), [{ endUser: 'bob', requests: 1, tokens: 15, costUsd: 1 }]);
    const alice = { ...range, endUser: 'alice' };
    assert.deepEqual(
      (await usageSeries(temp.store.db, { ...alice, bucket: 'day' })).map((p) => [p.requests, p.costUsd]),
      [[2, 0.75]],
    );
    assert.equal((await monthlyTotals(temp.store.db, { accountId: 'acct_1', monthStartIso: range.fromIso, endUser: 'alice' })).requests, 2);
    const log = await listUsageLog(temp.store.db, { accountId: 'acct_1', limit: 10, endUser: 'alice' });
    assert.deepEqual(log.map((r) => [r.requestId, r.endUser]).sort(), [
      ['req_1', 'alice'],
      ['req_3', 'alice'],
    ]);
  });

  it("finds one request's row by its id within its account only", async () => {
    await insertUsageBatch(temp.store.db, [row('1', { endUser: 'alice', ttftMs: 12 }), row('2', { accountId: 'acct_2' })]);
    const found = await findUsageByRequestId(temp.store.db, 'acct_1', 'req_1');
    assert.equal(found?.id, 'usage_1');
    assert.equal(found?.endUser, 'alice');
    assert.equal(found?.ttftMs, 12);
    assert.equal(await findUsageByRequestId(temp.store.db, 'acct_1', 'req_2'), undefined, "another account's request");
    assert.equal(await findUsageByRequestId(temp.store.db, 'acct_1', 'req_none'), undefined);
  });
});
