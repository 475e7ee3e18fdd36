/** The ledger's writes and request-path reads: batch inserts (both writers), charged totals, one request's row. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../testing.js';
import { insertUsageBatch, monthlyChargedTotals, sumCost, type UsageRecord } from './ledger.js';
import { listUsageLog } from './usage-reports.js';

const JUNE = '2025-06-01T00:00:00.000Z';
const JULY = '2025-07-01T00:00:00.000Z';

let sequence = 0;
function row(overrides: Partial<UsageRecord> = {}): UsageRecord {
  sequence += 1;
  return {
    id: `usage_${sequence}`,
    requestId: `req_${sequence}`,
    accountId: 'acct_a',
    keyId: 'key_a1',
    requestedModel: 'auto',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.001,
    latencyMs: 120,
    ttftMs: 40,
    status: 200,
    errorCode: null,
    stream: true,
    createdAt: '2025-06-15T12:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    responseCacheHit: false,
    responseCacheSavedUsd: 0,
    endUser: null,
    ...overrides,
  };
}

await describeEachDialect('usage ledger', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const writers: Array<[string, (rows: UsageRecord[]) => Promise<void>]> = [
    ['insertUsageBatch', (rows) => insertUsageBatch(temp.store.db, rows)],
    ['Store.insertUsage', (rows) => temp.store.insertUsage(rows)],
  ];
  for (const [name, write] of writers) {
    it(`${name} stores every column of a batch, booleans as 0/1`, async () => {
      const failed = row({
        routedModel: null,
        provider: null,
        byok: true,
        ttftMs: null,
        status: 429,
        errorCode: 'rate_limit_exceeded',
        stream: false,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        endpoint: 'messages',
        estimated: true,
        cacheReadTokens: 1200,
        cacheWriteTokens: 300,
        responseCacheHit: true,
        responseCacheSavedUsd: 0.0042,
        endUser: 'user-42',
      });
      await write([row(), failed]);
      const stored = await temp.store.db.selectFrom('usage').selectAll().orderBy('id').execute();
      assert.equal(stored.length, 2);
      assert.deepEqual(
        stored.find((r) => r.id === failed.id),
        {
          id: failed.id,
          requestId: failed.requestId,
          accountId: 'acct_a',
          keyId: 'key_a1',
          requestedModel: 'auto',
          routedModel: null,
          provider: null,
          byok: 1,
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
          latencyMs: 120,
          ttftMs: null,
          status: 429,
          errorCode: 'rate_limit_exceeded',
          stream: 0,
          createdAt: failed.createdAt,
          endpoint: 'messages',
          usageEstimated: 1,
          cacheReadTokens: 1200,
          cacheWriteTokens: 300,
          responseCacheHit: 1,
          responseCacheSavedUsd: 0.0042,
          endUser: 'user-42',
        },
      );
    });

    it(`${name} rows read back from the request log exactly as written`, async () => {
      const rows = [
        row(),
        row({ endpoint: 'embeddings', estimated: true, completionTokens: 0, stream: false }),
        row({ endpoint: 'messages', promptTokens: 2000, cacheReadTokens: 1500, cacheWriteTokens: 480 }),
        row({ promptTokens: 0, completionTokens: 0, costUsd: 0, responseCacheHit: true, responseCacheSavedUsd: 0.00125 }),
        row({ endUser: 'a'.repeat(256) }),
      ];
      await write(rows);
      const log = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
      assert.deepEqual(
        log.sort((a, b) => a.id.localeCompare(b.id)),
        rows.map((written) => ({ ...written, keyName: null })).sort((a, b) => a.id.localeCompare(b.id)),
      );
    });

    it(`${name} skips rows whose id is already stored, so a retried batch counts once`, async () => {
      const batch = [row(), row()];
      await write(batch);
      await write([...batch, row()]);
      const count = await temp.store.db
        .selectFrom('usage')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      assert.equal(Number(count?.n), 3);
    });

    it(`${name} stores all of a batch or none of it`, async () => {
      const broken = { ...row(), accountId: null } as unknown as UsageRecord;
      await assert.rejects(write([row(), broken]));
      const count = await temp.store.db
        .selectFrom('usage')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      assert.equal(Number(count?.n), 0);
    });
  }

  it('inserts batches larger than one statement', async () => {
    const rows = Array.from({ length: 2_345 }, () => row({ costUsd: 0.000001 }));
    await insertUsageBatch(temp.store.db, rows);
    const count = await temp.store.db
      .selectFrom('usage')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    assert.equal(Number(count?.n), 2_345);
    assert.ok(Math.abs((await sumCost(temp.store.db)) - 0.002345) < 1e-12);
  });

  it("sums one account's or one key's charged (non-BYOK) cost and tokens within the month", async () => {
    await insertUsageBatch(temp.store.db, [
      row({ promptTokens: 100, completionTokens: 50, costUsd: 0.25 }),
      row({ keyId: 'key_a2', promptTokens: 10, completionTokens: 20, costUsd: 0.5 }),
      row({ keyId: 'key_a2', promptTokens: 1_000, completionTokens: 1_000, costUsd: 9, byok: true }),
      row({ createdAt: '2025-05-31T23:59:59.999Z', costUsd: 7 }),
      row({ createdAt: JULY, costUsd: 5 }),
      row({ accountId: 'acct_b', keyId: 'key_b1', promptTokens: 1, completionTokens: 1, costUsd: 2 }),
    ]);
    const totals = (scope: { accountId: string } | { keyId: string }) => monthlyChargedTotals(temp.store.db, scope, JUNE, JULY);
    assert.deepEqual(await totals({ accountId: 'acct_a' }), { costUsd: 0.75, tokens: 180 });
    assert.deepEqual(await totals({ accountId: 'acct_b' }), { costUsd: 2, tokens: 2 });
    assert.deepEqual(await totals({ keyId: 'key_a1' }), { costUsd: 0.25, tokens: 150 });
    assert.deepEqual(await totals({ keyId: 'key_a2' }), { costUsd: 0.5, tokens: 30 });
    assert.deepEqual(await totals({ keyId: 'key_none' }), { costUsd: 0, tokens: 0 });
  });

  it('returns zero for an empty ledger', async () => {
    assert.equal(await sumCost(temp.store.db), 0);
    assert.deepEqual(await monthlyChargedTotals(temp.store.db, { accountId: 'acct_a' }, JUNE, JULY), { costUsd: 0, tokens: 0 });
  });

  it('joins the caller transaction: a rollback stores nothing', async () => {
    await assert.rejects(
      temp.store.db.transaction().execute(async (trx) => {
        await insertUsageBatch(trx, [row(), row()]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await sumCost(temp.store.db), 0);
  });
});
