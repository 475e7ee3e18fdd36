import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUsageRecord, newUsageId, type UsageFacts } from './usage-record.js';

const FACTS: UsageFacts = {
  requestId: 'req_1',
  accountId: 'acct_a',
  keyId: 'key_a',
  requestedModel: 'auto',
  routedModel: 'claude-haiku',
  provider: 'anthropic',
  byok: false,
  promptTokens: 20,
  completionTokens: 30,
  costUsd: 0.00042,
  latencyMs: 812.6,
  ttftMs: 95.4,
  status: 200,
  errorCode: null,
  stream: true,
  startedAtMs: Date.UTC(2025, 5, 30, 23, 59, 59, 500),
  endpoint: 'chat.completions',
  estimated: false,
};

describe('createUsageRecord', () => {
  it('rounds latencies, stamps the arrival time and generates an id', () => {
    assert.deepEqual(
      createUsageRecord(FACTS, () => 'usage_x'),
      {
        id: 'usage_x',
        requestId: 'req_1',
        accountId: 'acct_a',
        keyId: 'key_a',
        requestedModel: 'auto',
        routedModel: 'claude-haiku',
        provider: 'anthropic',
        byok: false,
        promptTokens: 20,
        completionTokens: 30,
        costUsd: 0.00042,
        latencyMs: 813,
        ttftMs: 95,
        status: 200,
        errorCode: null,
        stream: true,
        createdAt: '2025-06-30T23:59:59.500Z',
        endpoint: 'chat.completions',
        estimated: false,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        responseCacheHit: false,
        responseCacheSavedUsd: 0,
        endUser: null,
      },
    );
    assert.equal(createUsageRecord({ ...FACTS, endUser: 'user-7' }).endUser, 'user-7');
    assert.match(createUsageRecord(FACTS).id, /^usage_[0-9a-f]{16}[0-9a-z]+$/);
    assert.notEqual(newUsageId(), newUsageId());
  });

  it('copies the prompt cache counts, 0 when absent, and refuses impossible ones', () => {
    const record = createUsageRecord({ ...FACTS, promptTokens: 2000, cacheReadTokens: 1500, cacheWriteTokens: 400 });
    assert.equal(record.cacheReadTokens, 1500);
    assert.equal(record.cacheWriteTokens, 400);
    assert.throws(() => createUsageRecord({ ...FACTS, cacheReadTokens: -1 }), RangeError);
    assert.throws(() => createUsageRecord({ ...FACTS, cacheWriteTokens: 1.5 }), RangeError);
  });

  it('copies a response cache hit and what it saved, and refuses a negative saving', () => {
    const record = createUsageRecord({ ...FACTS, costUsd: 0, responseCacheHit: true, responseCacheSavedUsd: 0.0031 });
    assert.equal(record.responseCacheHit, true);
    assert.equal(record.responseCacheSavedUsd, 0.0031);
    assert.throws(() => createUsageRecord({ ...FACTS, responseCacheSavedUsd: -0.1 }), RangeError);
  });

  it('copies the endpoint and whether the usage was estimated', () => {
    const record = createUsageRecord({ ...FACTS, endpoint: 'embeddings', estimated: true });
    assert.equal(record.endpoint, 'embeddings');
    assert.equal(record.estimated, true);
  });

  it('refuses amounts that would corrupt the ledger sums', () => {
    const bad: Partial<UsageFacts>[] = [
      { promptTokens: -1 },
      { completionTokens: 1.5 },
      { costUsd: Number.NaN },
      { costUsd: -0.01 },
      { latencyMs: Number.POSITIVE_INFINITY },
      { ttftMs: -3 },
      { status: 0 },
      { startedAtMs: Number.NaN },
    ];
    for (const override of bad) {
      assert.throws(() => createUsageRecord({ ...FACTS, ...override }), RangeError, JSON.stringify(override));
    }
  });
});
