/**
 * @module Limiter contract, part 2: concurrency leases, their release, TTL and renewal, and all-or-nothing
 * admission.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, USD, useContractContext, type MakeBackend } from './fixture.js';

/** Lease behaviour, and that a rejection reserves nothing, for every backend. */
export function runLeaseContract(makeBackend: MakeBackend): void {
  const ctx = useContractContext(makeBackend);

  describe('concurrency leases', () => {
    it('frees the slot on settle and on fail', async () => {
      const { backend, admitOk, admitRejected } = ctx();
      const first = await admitOk({ concurrent: 1 });
      assert.deepEqual((await admitRejected({ concurrent: 1 })).rejection, { stage: 'concurrency' });
      assert.equal(await backend.finish(first, { tokens: 5, costNanoUsd: 0 }), true);
      const second = await admitOk({ concurrent: 1 });
      assert.equal(await backend.finish(second, null), true);
      await admitOk({ concurrent: 1 });
    });

    it('releases a lease once: a second finish is a no-op that frees no other slot', async () => {
      const { backend, admitOk, admitRejected } = ctx();
      const a = await admitOk({ concurrent: 2 });
      await admitOk({ concurrent: 2 });
      assert.equal(await backend.finish(a, null), true);
      assert.equal(await backend.finish(a, null), false);
      assert.equal(await backend.finish(a, { tokens: 1, costNanoUsd: 0 }), false);
      await admitOk({ concurrent: 2 });
      await admitRejected({ concurrent: 2 });
    });

    it('frees an unfinished lease at its TTL; a late finish then changes nothing', async () => {
      const { backend, keyId, clock, spend, admitOk, admitRejected } = ctx();
      const held = { concurrent: 1, leaseTtlMs: 5000 };
      const crashed = await admitOk({ ...held, spend: spend({ costNanoUsd: USD }) });
      clock.t = T0 + 4999;
      await admitRejected(held);
      clock.t = T0 + 5000;
      await admitOk(held);
      assert.equal(await backend.finish(crashed, { tokens: 1, costNanoUsd: 0 }), false);
      await admitRejected(held);
      assert.equal((await backend.readMonthly({ keyId })).reservedNanoUsd, USD, 'kept at its worst case');
    });

    it('refuses a finish that arrives after the TTL even when nothing else ran', async () => {
      const { backend, keyId, clock, spend, admitOk } = ctx();
      const lease = await admitOk({ concurrent: 1, leaseTtlMs: 5000, spend: spend({ costNanoUsd: USD }) });
      clock.t = T0 + 5000;
      assert.equal(await backend.finish(lease, null), false);
      assert.equal((await backend.readMonthly({ keyId })).reservedNanoUsd, USD);
      assert.equal(await backend.renew(lease, 5000), false);
    });

    it('renews a live lease and refuses to renew a finished one', async () => {
      const { backend, clock, admitOk, admitRejected } = ctx();
      const held = { concurrent: 1, leaseTtlMs: 5000 };
      const lease = await admitOk(held);
      clock.t = T0 + 4000;
      assert.equal(await backend.renew(lease, 5000), true);
      clock.t = T0 + 8999;
      await admitRejected(held);
      clock.t = T0 + 9000;
      const next = await admitOk(held);
      assert.equal(await backend.renew(lease, 5000), false);
      await backend.finish(next, null);
      assert.equal(await backend.renew(next, 5000), false);
    });
  });

  describe('a rejected request consumes nothing', () => {
    it('at concurrency: no rpm use, no tokens, no lease', async () => {
      const { backend, accountId, admitOk, admitRejected } = ctx();
      const first = await admitOk({ concurrent: 1, tokens: 100 });
      const before = await backend.peek(accountId, { rpm: 60, tpm: 1_000_000 });
      for (let i = 0; i < 10; i += 1) await admitRejected({ concurrent: 1, tokens: 100 });
      assert.deepEqual(await backend.peek(accountId, { rpm: 60, tpm: 1_000_000 }), before);
      await backend.finish(first, null);
      await admitOk({ concurrent: 1 });
    });

    it('at tpm: no rpm use and no lease', async () => {
      const { backend, accountId, admitOk, admitRejected } = ctx();
      await admitOk({ concurrent: 2, tpm: 100, tokens: 90 });
      await admitRejected({ concurrent: 2, tpm: 100, tokens: 20 });
      const window = await backend.peek(accountId, { rpm: 60, tpm: 100 });
      assert.equal(window.requestsRemaining, 59);
      assert.equal(window.tokensRemaining, 10);
      await admitOk({ concurrent: 2, tpm: 100, tokens: 10 });
    });

    it('at a spend cap: no rpm use, no tokens, no lease, nothing reserved', async () => {
      const { backend, accountId, keyId, spend, admitOk, admitRejected } = ctx();
      const capped = spend({ costNanoUsd: 2 * USD, keyCapNanoUsd: 3 * USD });
      await admitOk({ concurrent: 2, spend: capped });
      const before = await backend.peek(accountId, { rpm: 60, tpm: 1_000_000 });
      const { rejection } = await admitRejected({ concurrent: 2, spend: capped });
      assert.deepEqual(rejection, { stage: 'key_spend' });
      assert.deepEqual(await backend.peek(accountId, { rpm: 60, tpm: 1_000_000 }), before);
      assert.equal((await backend.readMonthly({ keyId })).reservedNanoUsd, 2 * USD);
      assert.equal((await backend.readMonthly({ accountId })).reservedTokens, 10);
      await admitOk({ concurrent: 2, spend: spend({ costNanoUsd: USD, keyCapNanoUsd: 3 * USD }) });
    });
  });
}
