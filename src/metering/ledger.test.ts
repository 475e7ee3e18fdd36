import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { listUsageLog } from '../store/index.js';
import { openTempStore, type TempStore } from '../store/testing.js';
import { createStoreUsageSink, loadMonthlyCharge, MemoryUsageSink, monthBounds } from './ledger.js';
import { readMonthlyUsage } from './reports.js';
import type { UsageRecord } from './usage-record.js';

function row(id: string, overrides: Partial<UsageRecord>): UsageRecord {
  return {
    id,
    requestId: `req_${id}`,
    accountId: 'acct_a',
    keyId: 'key_a',
    requestedModel: 'auto',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 10,
    completionTokens: 20,
    costUsd: 0.5,
    latencyMs: 100,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: '2025-06-10T00:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
    ...overrides,
  };
}

describe('monthBounds', () => {
  it('gives the UTC calendar month, across a year end', () => {
    assert.deepEqual(monthBounds(Date.UTC(2025, 11, 31, 23, 59, 59, 999)), {
      startIso: '2025-12-01T00:00:00.000Z',
      endIso: '2026-01-01T00:00:00.000Z',
    });
    assert.deepEqual(monthBounds(Date.UTC(2024, 1, 1)), {
      startIso: '2024-02-01T00:00:00.000Z',
      endIso: '2024-03-01T00:00:00.000Z',
    });
  });
});

describe('MemoryUsageSink', () => {
  it('keeps every row written, in order', async () => {
    const sink = new MemoryUsageSink();
    await sink.write([row('u1', {})]);
    await sink.write([row('u2', {}), row('u3', {})]);
    assert.deepEqual(
      sink.rows.map((stored) => stored.id),
      ['u1', 'u2', 'u3'],
    );
  });
});

describe('ledger reads over the store', () => {
  let temp: TempStore;
  const NOW = Date.UTC(2025, 5, 20);
  beforeEach(async () => {
    temp = await openTempStore();
    await createStoreUsageSink(temp.store).write([
      row('u1', {}),
      row('u2', { keyId: 'key_b', byok: true, costUsd: 2 }),
      row('u3', { createdAt: '2025-05-31T23:59:59.999Z', costUsd: 4 }),
      row('u4', { createdAt: '2025-07-01T00:00:00.000Z', costUsd: 8 }),
    ]);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it("reads an account's and a key's usage in the current month, BYOK included", async () => {
    assert.deepEqual(await readMonthlyUsage(temp.store.db, { accountId: 'acct_a', nowMs: NOW }), {
      requests: 2,
      promptTokens: 20,
      completionTokens: 40,
      costUsd: 2.5,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
    assert.deepEqual(await readMonthlyUsage(temp.store.db, { accountId: 'acct_a', keyId: 'key_b', nowMs: NOW }), {
      requests: 1,
      promptTokens: 10,
      completionTokens: 20,
      costUsd: 2,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
  });

  it('stores each row with its endpoint and whether its usage was estimated', async () => {
    await createStoreUsageSink(temp.store).write([row('u5', { endpoint: 'embeddings', estimated: true, completionTokens: 0 })]);
    const log = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
    const stored = new Map(log.map((entry) => [entry.id, [entry.endpoint, entry.estimated]]));
    assert.deepEqual(stored.get('u5'), ['embeddings', true]);
    assert.deepEqual(stored.get('u1'), ['chat.completions', false]);
  });

  it("loads an account's or a key's charged totals of the month that admission starts from, BYOK excluded", async () => {
    assert.deepEqual(await loadMonthlyCharge(temp.store.db, { accountId: 'acct_a' }, NOW), { costUsd: 0.5, tokens: 30 });
    assert.deepEqual(await loadMonthlyCharge(temp.store.db, { keyId: 'key_a' }, NOW), { costUsd: 0.5, tokens: 30 });
    assert.deepEqual(await loadMonthlyCharge(temp.store.db, { keyId: 'key_b' }, NOW), { costUsd: 0, tokens: 0 });
  });
});
