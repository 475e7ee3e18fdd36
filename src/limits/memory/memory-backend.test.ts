/** @module The memory backend: the shared contract, plus its own memory bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLimiterContract } from '../limiter.contract.test.js';
import { MemoryLimiterBackend } from './memory-backend.js';

runLimiterContract('memory', (now) => new MemoryLimiterBackend(now));

describe('MemoryLimiterBackend memory bounds', () => {
  const request = (accountId: string, id: string) => ({
    id,
    accountId,
    keyId: `key-${accountId}`,
    rpm: 60,
    tpm: 1000,
    concurrent: 5,
    slots: 1,
    tokens: 10,
    spend: { costNanoUsd: 1, keyCapNanoUsd: null, accountCapNanoUsd: null, includedTokens: 1000 },
    leaseTtlMs: 600_000,
  });

  it('drops the state of idle accounts and of past months', async () => {
    let t = Date.UTC(2026, 4, 31, 23, 0, 0);
    const backend = new MemoryLimiterBackend(() => t);
    for (let i = 0; i < 100; i += 1) {
      const result = await backend.admit(request(`acct-${i}`, `r-${i}`));
      assert.ok(result.ok);
      await backend.finish(result.reservation, { tokens: 5, costNanoUsd: 1 });
    }
    assert.equal(backend.accountsHeld, 100);
    assert.equal(backend.countersHeld, 200);
    t += 3_600_000;
    for (let i = 0; i < 150; i += 1) await backend.admit(request('acct-busy', `busy-${i}`));
    assert.equal(backend.accountsHeld, 1);
    assert.equal(backend.countersHeld, 2);
  });

  it('keeps an account that still holds a lease', async () => {
    let t = 0;
    const backend = new MemoryLimiterBackend(() => t);
    assert.ok((await backend.admit(request('acct-held', 'held'))).ok);
    t += 120_000;
    for (let i = 0; i < 10; i += 1) await backend.admit(request(`acct-${i}`, `r-${i}`));
    assert.equal(backend.accountsHeld, 11);
  });
});
