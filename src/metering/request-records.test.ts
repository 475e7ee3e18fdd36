/** One request's row found wherever it is: finishing on this instance, pending in the writer, or stored. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageRecord } from '../store/index.js';
import { RequestRecords } from './request-records.js';

function row(requestId: string, accountId = 'acct_a'): UsageRecord {
  return {
    id: `usage_${requestId}`,
    requestId,
    accountId,
    keyId: 'key_a',
    requestedModel: 'auto',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 1,
    completionTokens: 1,
    costUsd: 0,
    latencyMs: 1,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: '2026-05-10T12:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
  };
}

describe('RequestRecords', () => {
  it('waits for a request still finishing, then finds its pending row', async () => {
    const pending = new Map<string, UsageRecord>();
    const records = new RequestRecords({ findPending: (id) => pending.get(id), readStored: async () => undefined });
    let finish: () => void = () => undefined;
    records.track('req_1', new Promise<void>((resolve) => (finish = resolve)));
    const lookup = records.find('acct_a', 'req_1');
    pending.set('req_1', row('req_1'));
    finish();
    assert.equal((await lookup)?.id, 'usage_req_1');
    await Promise.resolve();
    assert.equal(records.finishingCount, 0, 'forgotten once finished');
  });

  it('reads the store when nothing is pending, and never answers with another account’s row', async () => {
    const stored = row('req_2');
    const reads: string[] = [];
    const records = new RequestRecords({
      findPending: (id) => (id === 'req_3' ? row('req_3', 'acct_b') : undefined),
      readStored: async (accountId, id) => {
        reads.push(`${accountId}/${id}`);
        return accountId === stored.accountId && id === stored.requestId ? stored : undefined;
      },
    });
    assert.equal(await records.find('acct_a', 'req_2'), stored);
    assert.equal(await records.find('acct_a', 'req_3'), undefined, 'pending, but of another account');
    assert.deepEqual(reads, ['acct_a/req_2']);
  });

  it('does not hold a failed finish against a lookup', async () => {
    const records = new RequestRecords({ findPending: () => undefined, readStored: async () => undefined });
    records.track('req_4', Promise.reject(new Error('settling failed')));
    assert.equal(await records.find('acct_a', 'req_4'), undefined);
  });
});
