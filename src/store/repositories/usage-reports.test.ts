/** The dashboard's reads of the ledger: monthly totals, chart series, splits by model and key, and the paged request log. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../testing.js';
import { createAccount } from './accounts.js';
import { insertApiKey } from './api-keys.js';
import { insertUsageBatch, sumCost, type UsageRecord } from './ledger.js';
import { listUsageLog, monthlyTotals, usageByKey, usageByModel, usageSeries } from './usage-reports.js';

let sequence = 0;
function row(overrides: Partial<UsageRecord>): UsageRecord {
  sequence += 1;
  return {
    id: `usage_${String(sequence).padStart(3, '0')}`,
    requestId: `req_${sequence}`,
    accountId: 'acct_a',
    keyId: 'key_a1',
    requestedModel: 'auto',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.25,
    latencyMs: 100,
    ttftMs: 40,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: '2025-06-15T12:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
    ...overrides,
  };
}

await describeEachDialect('usage reports', (dialect) => {
  let temp: TempStore;
  before(async () => {
    sequence = 0;
    temp = await dialect.openTempStore();
    await createAccount(temp.store.db, {
      id: 'acct_a',
      email: 'a@example.com',
      passwordHash: null,
      plan: 'free',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await insertApiKey(temp.store.db, {
      id: 'key_a1',
      accountId: 'acct_a',
      name: 'first',
      keyHash: 'h1',
      last4: 'aaaa',
      defaultRouting: null,
      spendCapUsd: null,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await insertUsageBatch(temp.store.db, [
      row({ createdAt: '2025-06-14T23:59:59.999Z' }),
      row({ createdAt: '2025-06-15T00:00:00.000Z', byok: true }),
      row({
        createdAt: '2025-06-15T00:30:00.000Z',
        keyId: 'key_a2',
        routedModel: 'claude-haiku-4.5',
        costUsd: 1,
        endpoint: 'messages',
        estimated: true,
      }),
      row({ createdAt: '2025-06-15T01:00:00.000Z', routedModel: null, provider: null, requestedModel: 'nope', status: 400, costUsd: 0 }),
      row({ createdAt: '2025-06-15T01:00:00.000Z', status: 503, errorCode: 'provider_unavailable' }),
      row({ createdAt: '2025-06-15T02:00:00.000Z', accountId: 'acct_b', keyId: 'key_b1' }),
    ]);
  });
  after(async () => {
    await temp.cleanup();
  });

  it('sums per UTC day and per hour, in order, for one account only', async () => {
    const days = await usageSeries(temp.store.db, { accountId: 'acct_a', fromIso: '2025-06-01T00:00:00.000Z', bucket: 'day' });
    assert.deepEqual(
      days.map((p) => [p.bucket, p.requests, p.promptTokens, p.completionTokens, p.costUsd]),
      [
        ['2025-06-14', 1, 10, 5, 0.25],
        ['2025-06-15', 4, 40, 20, 1.5],
      ],
    );
    const hours = await usageSeries(temp.store.db, { accountId: 'acct_a', fromIso: '2025-06-15T00:00:00.000Z', bucket: 'hour' });
    assert.deepEqual(
      hours.map((p) => [p.bucket, p.requests]),
      [
        ['2025-06-15T00', 2],
        ['2025-06-15T01', 2],
      ],
    );
  });

  it('splits by model (requested when none was routed) and by key with names, costliest first', async () => {
    const range = { accountId: 'acct_a', fromIso: '2025-06-15T00:00:00.000Z' };
    assert.deepEqual(await usageByModel(temp.store.db, range), [
      { model: 'claude-haiku-4.5', requests: 1, tokens: 15, costUsd: 1 },
      { model: 'gpt-4o-mini', requests: 2, tokens: 30, costUsd: 0.5 },
      { model: 'nope', requests: 1, tokens: 15, costUsd: 0 },
    ]);
    assert.deepEqual(await usageByKey(temp.store.db, range), [
      { keyId: 'key_a2', name: null, requests: 1, tokens: 15, costUsd: 1 },
      { keyId: 'key_a1', name: 'first', requests: 3, tokens: 45, costUsd: 0.5 },
    ]);
  });

  it('pages the log newest first with a stable order among equal times, and filters', async () => {
    const all = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 100 });
    assert.deepEqual(
      all.map((r) => r.id),
      ['usage_005', 'usage_004', 'usage_003', 'usage_002', 'usage_001'],
    );
    assert.equal(all[0]?.keyName, 'first');
    assert.equal(all[3]?.byok, true);
    assert.deepEqual(
      all.map((r) => [r.endpoint, r.estimated]),
      [
        ['chat.completions', false],
        ['chat.completions', false],
        ['messages', true],
        ['chat.completions', false],
        ['chat.completions', false],
      ],
    );
    const first = all[1];
    assert.ok(first !== undefined);
    const next = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 2, before: { createdAt: first.createdAt, id: first.id } });
    assert.deepEqual(
      next.map((r) => r.id),
      ['usage_003', 'usage_002'],
    );
    const ids = async (filter: object): Promise<string[]> =>
      (await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 100, ...filter })).map((r) => r.id);
    assert.deepEqual(await ids({ model: 'nope' }), ['usage_004']);
    assert.deepEqual(await ids({ model: 'claude-haiku-4.5' }), ['usage_003']);
    assert.deepEqual(await ids({ keyId: 'key_a2' }), ['usage_003']);
    assert.deepEqual(await ids({ status: 'error' }), ['usage_005', 'usage_004']);
    assert.deepEqual(await ids({ status: 503 }), ['usage_005']);
    assert.equal((await ids({ status: 'success' })).length, 3);
    assert.deepEqual(await ids({ keyId: 'key_b1' }), []);
  });

  it('sums the response cache hits and what they saved, per bucket and over the month', async () => {
    const hit = { costUsd: 0, promptTokens: 0, completionTokens: 0, responseCacheHit: true };
    await insertUsageBatch(temp.store.db, [
      row({ accountId: 'acct_c', createdAt: '2025-06-15T03:00:00.000Z', ...hit, responseCacheSavedUsd: 0.125 }),
      row({ accountId: 'acct_c', createdAt: '2025-06-15T04:00:00.000Z', ...hit, responseCacheSavedUsd: 0.25 }),
      row({ accountId: 'acct_c', createdAt: '2025-06-16T05:00:00.000Z' }),
    ]);
    const days = await usageSeries(temp.store.db, { accountId: 'acct_c', fromIso: '2025-06-01T00:00:00.000Z', bucket: 'day' });
    assert.deepEqual(
      days.map((p) => [p.bucket, p.requests, p.costUsd, p.responseCacheHits, p.responseCacheSavedUsd]),
      [
        ['2025-06-15', 2, 0, 2, 0.375],
        ['2025-06-16', 1, 0.25, 0, 0],
      ],
    );
    assert.deepEqual(await monthlyTotals(temp.store.db, { accountId: 'acct_c', monthStartIso: '2025-06-01T00:00:00.000Z' }), {
      requests: 3,
      promptTokens: 10,
      completionTokens: 5,
      costUsd: 0.25,
      responseCacheHits: 2,
      responseCacheSavedUsd: 0.375,
    });
  });
});

await describeEachDialect('monthly totals', (dialect) => {
  const JUNE = '2025-06-01T00:00:00.000Z';
  const JULY = '2025-07-01T00:00:00.000Z';
  let temp: TempStore;
  before(async () => {
    temp = await dialect.openTempStore();
  });
  after(async () => {
    await temp.cleanup();
  });

  it("totals this month's rows of an account or one key, excluding other months and accounts", async () => {
    await insertUsageBatch(temp.store.db, [
      row({ promptTokens: 100, completionTokens: 50, costUsd: 0.25 }),
      row({ keyId: 'key_a2', promptTokens: 1, completionTokens: 2, costUsd: 0.5, byok: true }),
      row({ createdAt: '2025-05-31T23:59:59.999Z', costUsd: 7 }),
      row({ createdAt: JULY, costUsd: 11 }),
      row({ accountId: 'acct_b', keyId: 'key_b1', costUsd: 13 }),
    ]);
    const db = temp.store.db;
    assert.deepEqual(await monthlyTotals(db, { accountId: 'acct_a', monthStartIso: JUNE, monthEndIso: JULY }), {
      requests: 2,
      promptTokens: 101,
      completionTokens: 52,
      costUsd: 0.75,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
    assert.deepEqual(await monthlyTotals(db, { accountId: 'acct_a', keyId: 'key_a2', monthStartIso: JUNE, monthEndIso: JULY }), {
      requests: 1,
      promptTokens: 1,
      completionTokens: 2,
      costUsd: 0.5,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
    assert.deepEqual(await monthlyTotals(db, { accountId: 'acct_z', monthStartIso: JUNE }), {
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
    assert.equal(await sumCost(db), 0.25 + 0.5 + 7 + 11 + 13);
  });
});
