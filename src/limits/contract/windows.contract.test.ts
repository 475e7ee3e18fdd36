/** @module Limiter contract, part 1: the rpm and tpm sliding windows, Retry-After and the header snapshot. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, useContractContext, type MakeBackend } from './fixture.js';

/** rpm and tpm window behaviour every backend must share. */
export function runWindowContract(makeBackend: MakeBackend): void {
  const ctx = useContractContext(makeBackend);

  describe('rpm window', () => {
    it('admits exactly the limit in any 60 s and one more as soon as the oldest leaves', async () => {
      const { clock, admitOk, admitRejected } = ctx();
      await admitOk();
      clock.t = T0 + 1000;
      for (let i = 0; i < 59; i += 1) await admitOk();
      clock.t = T0 + 30_000;
      assert.deepEqual((await admitRejected()).rejection, { stage: 'rpm', retryAfterMs: 30_000 });
      clock.t = T0 + 59_999;
      await admitRejected();
      clock.t = T0 + 60_000;
      await admitOk();
      const { rejection, window } = await admitRejected();
      assert.deepEqual(rejection, { stage: 'rpm', retryAfterMs: 1000 });
      assert.equal(window.requestsRemaining, 0);
      assert.equal(window.requestsResetMs, 1000, 'the request of T0 no longer counts at T0 + 60 s');
      clock.t = T0 + 61_000;
      for (let i = 0; i < 59; i += 1) await admitOk();
      await admitRejected();
    });

    it('reports a wait after which a retry succeeds and before which it does not', async () => {
      const { clock, admitOk, admitRejected } = ctx();
      await admitOk({ rpm: 3 });
      clock.t = T0 + 10_500;
      await admitOk({ rpm: 3 });
      await admitOk({ rpm: 3 });
      clock.t = T0 + 20_250;
      const { rejection } = await admitRejected({ rpm: 3 });
      assert.deepEqual(rejection, { stage: 'rpm', retryAfterMs: 39_750 });
      clock.t = T0 + 20_250 + 39_749;
      await admitRejected({ rpm: 3 });
      clock.t = T0 + 20_250 + 39_750;
      await admitOk({ rpm: 3 });
    });

    it('reports the later wait when the tpm window is full too', async () => {
      const { clock, admitOk, admitRejected } = ctx();
      await admitOk({ rpm: 2, tpm: 100, tokens: 10 });
      clock.t = T0 + 5000;
      await admitOk({ rpm: 2, tpm: 100, tokens: 90 });
      clock.t = T0 + 6000;
      const { rejection } = await admitRejected({ rpm: 2, tpm: 100, tokens: 50 });
      assert.deepEqual(rejection, { stage: 'rpm', retryAfterMs: 59_000 });
    });

    it('never admits at a limit of zero', async () => {
      const { rejection } = await ctx().admitRejected({ rpm: 0 });
      assert.deepEqual(rejection, { stage: 'rpm', retryAfterMs: null });
    });
  });

  describe('tpm window', () => {
    it('rejects a reservation that does not fit and admits it when enough tokens leave the window', async () => {
      const { clock, admitOk, admitRejected } = ctx();
      await admitOk({ tpm: 1000, tokens: 600 });
      clock.t = T0 + 10_000;
      await admitOk({ tpm: 1000, tokens: 300 });
      clock.t = T0 + 20_000;
      assert.deepEqual((await admitRejected({ tpm: 1000, tokens: 500 })).rejection, {
        stage: 'tpm',
        retryAfterMs: 40_000,
      });
      await admitOk({ tpm: 1000, tokens: 100 });
      clock.t = T0 + 59_999;
      await admitRejected({ tpm: 1000, tokens: 500 });
      clock.t = T0 + 60_000;
      await admitOk({ tpm: 1000, tokens: 500 });
    });

    it('says a request larger than the whole limit can never fit', async () => {
      const { rejection } = await ctx().admitRejected({ tpm: 1000, tokens: 1001 });
      assert.deepEqual(rejection, { stage: 'tpm', retryAfterMs: null });
    });

    it('settles a reservation to actual tokens and refunds a failed one', async () => {
      const { backend, accountId, clock, admitOk } = ctx();
      const limits = { rpm: 60, tpm: 5000 };
      const first = await admitOk({ tpm: 5000, tokens: 1000 });
      assert.equal((await backend.peek(accountId, limits)).tokensRemaining, 4000);
      assert.equal(await backend.finish(first, { tokens: 300, costNanoUsd: 0 }), true);
      assert.equal((await backend.peek(accountId, limits)).tokensRemaining, 4700);
      const second = await admitOk({ tpm: 5000, tokens: 2000 });
      assert.equal((await backend.peek(accountId, limits)).tokensRemaining, 2700);
      await backend.finish(second, null);
      assert.equal((await backend.peek(accountId, limits)).tokensRemaining, 4700);
      const late = await admitOk({ tpm: 5000, tokens: 1000 });
      clock.t = T0 + 61_000;
      await backend.finish(late, { tokens: 1500, costNanoUsd: 0 });
      assert.equal((await backend.peek(accountId, limits)).tokensRemaining, 5000);
    });
  });

  describe('snapshot', () => {
    it('reports full windows for an account never seen', async () => {
      const { backend } = ctx();
      assert.deepEqual(await backend.peek('acct_never_seen', { rpm: 60, tpm: 1000 }), {
        requestsLimit: 60,
        requestsRemaining: 60,
        requestsResetMs: 0,
        tokensLimit: 1000,
        tokensRemaining: 1000,
      });
    });

    it('counts the admitted request and reports when the oldest leaves', async () => {
      const { backend, accountId, clock, request } = ctx();
      await backend.admit(request({ tpm: 1000, tokens: 100 }));
      clock.t = T0 + 15_000;
      const result = await backend.admit(request({ tpm: 1000, tokens: 200 }));
      assert.deepEqual(result.window, {
        requestsLimit: 60,
        requestsRemaining: 58,
        requestsResetMs: 45_000,
        tokensLimit: 1000,
        tokensRemaining: 700,
      });
      assert.deepEqual(await backend.peek(accountId, { rpm: 60, tpm: 1000 }), result.window);
    });
  });
}
