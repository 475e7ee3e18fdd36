/**
 * @module Limiter contract, part 5: a key's own limits beneath its account's — rpm and tpm windows counting the key's
 * requests only (and the headers' window taking the tighter), and budgets that start again each UTC day, ISO week
 * (from Monday) or month.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyBudgetRequest } from '../types.js';
import { T0, USD, useContractContext, type MakeBackend } from './fixture.js';

const DAY = 86_400_000;

/** Per-key behaviour every backend must share. */
export function runKeyContract(makeBackend: MakeBackend): void {
  const ctx = useContractContext(makeBackend);

  describe("a key's own rpm and tpm", () => {
    it('refuses the key past its own rpm while the account and its other keys go on', async () => {
      const { clock, admitOk, admitRejected } = ctx();
      await admitOk({ keyRpm: 2 });
      clock.t = T0 + 10_000;
      const second = await ctx().backend.admit(ctx().request({ keyRpm: 2 }));
      assert.ok(second.ok);
      assert.equal(second.window.requestsLimit, 2, 'the headers show the tighter limit');
      assert.equal(second.window.requestsRemaining, 0);
      assert.equal(second.window.requestsResetMs, 50_000);
      const { rejection, window } = await admitRejected({ keyRpm: 2 });
      assert.deepEqual(rejection, { stage: 'key_rpm', retryAfterMs: 50_000 });
      assert.equal(window.requestsLimit, 2);
      await admitOk({ keyRpm: 2, keyId: `${ctx().keyId}-other` });
      await admitOk();
      clock.t = T0 + 60_000;
      await admitOk({ keyRpm: 2 });
    });

    it("the account's rpm still applies beneath a looser key limit, and its window shows when tighter", async () => {
      const { admitOk, admitRejected } = ctx();
      const reservation = await ctx().backend.admit(ctx().request({ rpm: 2, keyRpm: 10 }));
      assert.ok(reservation.ok);
      assert.equal(reservation.window.requestsLimit, 2);
      assert.equal(reservation.window.requestsRemaining, 1);
      await admitOk({ rpm: 2, keyRpm: 10 });
      assert.equal((await admitRejected({ rpm: 2, keyRpm: 10 })).rejection.stage, 'rpm');
    });

    it('reserves tokens in the key window, settles them to actual use, and never admits more than the limit', async () => {
      const { backend, accountId, keyId, admitOk, admitRejected } = ctx();
      const first = await admitOk({ keyTpm: 100, tokens: 60 });
      const { rejection, window } = await admitRejected({ keyTpm: 100, tokens: 60 });
      assert.deepEqual(rejection, { stage: 'key_tpm', retryAfterMs: 60_000 });
      assert.equal(window.tokensLimit, 100);
      assert.equal(window.tokensRemaining, 40);
      assert.equal(await backend.finish(first, { tokens: 10, costNanoUsd: 0 }), true);
      const peeked = await backend.peek(accountId, { rpm: 60, tpm: 1_000_000 }, { keyId, rpm: null, tpm: 100 });
      assert.equal(peeked.tokensRemaining, 90);
      assert.equal(peeked.tokensLimit, 100);
      assert.equal(peeked.requestsLimit, 60, 'no rpm of its own: the account window stands');
      await admitOk({ keyTpm: 100, tokens: 60 });
      assert.deepEqual((await admitRejected({ keyTpm: 100, tokens: 101 })).rejection, { stage: 'key_tpm', retryAfterMs: null });
    });

    it('peeks at a key never seen as a full window', async () => {
      const { backend, accountId } = ctx();
      assert.deepEqual(await backend.peek(accountId, { rpm: 60, tpm: 1000 }, { keyId: 'key_never_seen', rpm: 5, tpm: 500 }), {
        requestsLimit: 5,
        requestsRemaining: 5,
        requestsResetMs: 0,
        tokensLimit: 500,
        tokensRemaining: 500,
      });
    });
  });

  describe('key budgets', () => {
    const budget = (period: KeyBudgetRequest['period']): KeyBudgetRequest => ({ capNanoUsd: USD, period });

    it('refuses past a daily budget until 00:00 UTC, and settles into the day it was reserved in', async () => {
      const { backend, clock, keyId, spend, admitOk, admitRejected } = ctx();
      const daily = spend({ costNanoUsd: 6e8, keyBudget: budget('daily') });
      clock.t = Date.UTC(2026, 4, 10, 23, 55);
      const first = await admitOk({ spend: daily });
      assert.deepEqual((await admitRejected({ spend: daily })).rejection, { stage: 'key_budget' });
      clock.t = Date.UTC(2026, 4, 10, 23, 59, 59, 999);
      await admitRejected({ spend: daily });
      clock.t = Date.UTC(2026, 4, 11);
      const second = await admitOk({ spend: daily });
      assert.equal(await backend.finish(first, { tokens: 1, costNanoUsd: 5e8 }), true);
      const today = await backend.readMonthly({ keyId, period: 'daily' });
      assert.equal(today.month, '2026-05-11');
      assert.equal(today.spentNanoUsd, 0, "yesterday's settlement stays in yesterday");
      assert.equal(today.reservedNanoUsd, 6e8);
      await backend.finish(second, { tokens: 1, costNanoUsd: 3e8 });
      assert.equal((await backend.readMonthly({ keyId, period: 'daily' })).spentNanoUsd, 3e8);
      assert.equal((await backend.readMonthly({ keyId })).spentNanoUsd, 8e8, 'both count in the month');
    });

    it('starts a weekly budget again on Monday 00:00 UTC', async () => {
      const { clock, keyId, backend, spend, admitOk, admitRejected } = ctx();
      const weekly = spend({ costNanoUsd: 6e8, keyBudget: budget('weekly') });
      clock.t = Date.UTC(2026, 4, 4);
      await admitOk({ spend: weekly });
      assert.equal((await backend.readMonthly({ keyId, period: 'weekly' })).month, 'W2026-05-04');
      clock.t = T0;
      assert.deepEqual((await admitRejected({ spend: weekly })).rejection, { stage: 'key_budget' }, 'Sunday is the same week');
      clock.t = Date.UTC(2026, 4, 11) - 1;
      await admitRejected({ spend: weekly });
      clock.t = Date.UTC(2026, 4, 11);
      await admitOk({ spend: weekly });
      assert.equal((await backend.readMonthly({ keyId, period: 'weekly' })).month, 'W2026-05-11');
    });

    it('checks a monthly budget on the key month and starts again on the 1st', async () => {
      const { clock, keyId, backend, spend, admitOk, admitRejected } = ctx();
      const monthly = spend({ costNanoUsd: 6e8, keyCapNanoUsd: 10 * USD, keyBudget: budget('monthly') });
      clock.t = Date.UTC(2026, 4, 31, 23, 0);
      await admitOk({ spend: monthly });
      assert.deepEqual((await admitRejected({ spend: monthly })).rejection, { stage: 'key_budget' });
      assert.equal((await backend.readMonthly({ keyId })).reservedNanoUsd, 6e8, 'reserved once, on the key month');
      clock.t = Date.UTC(2026, 5, 1);
      await admitOk({ spend: monthly });
    });

    it('checks the key cap first and the account cap after: the tightest refuses', async () => {
      const { spend, admitRejected } = ctx();
      const both = spend({ costNanoUsd: 2 * USD, keyCapNanoUsd: USD, keyBudget: budget('daily') });
      assert.deepEqual((await admitRejected({ spend: both })).rejection, { stage: 'key_spend' });
      const accountTighter = spend({ costNanoUsd: 6e8, accountCapNanoUsd: 5e8, keyBudget: budget('daily') });
      assert.deepEqual((await admitRejected({ spend: accountTighter })).rejection, { stage: 'account_spend' });
    });

    it('refunds a failed request and ignores the budget for requests that spend nothing of ours (BYOK)', async () => {
      const { backend, keyId, spend, admitOk } = ctx();
      const daily = spend({ costNanoUsd: USD, keyBudget: budget('daily') });
      await backend.finish(await admitOk({ spend: daily }), null);
      const counter = await backend.readMonthly({ keyId, period: 'daily' });
      assert.equal(counter.spentNanoUsd + counter.reservedNanoUsd, 0);
      await admitOk({ spend: daily });
      await admitOk({ spend: null });
    });

    it("raises a daily budget's counter to the ledger's total of the day without lowering it", async () => {
      const { backend, keyId, spend, admitOk, admitRejected } = ctx();
      await backend.raiseMonthly({ keyId, period: 'daily' }, 9e8, 50);
      await backend.raiseMonthly({ keyId, period: 'daily' }, 1e8, 10);
      const counter = await backend.readMonthly({ keyId, period: 'daily' });
      assert.equal(counter.spentNanoUsd, 9e8);
      assert.equal((await backend.readMonthly({ keyId })).spentNanoUsd, 0, 'the key month is another counter');
      assert.deepEqual((await admitRejected({ spend: spend({ costNanoUsd: 2e8, keyBudget: budget('daily') }) })).rejection, {
        stage: 'key_budget',
      });
      await admitOk({ spend: spend({ costNanoUsd: 1e8, keyBudget: budget('daily') }) });
      ctx().clock.t = T0 + DAY;
      assert.equal((await backend.readMonthly({ keyId, period: 'daily' })).spentNanoUsd, 0);
    });
  });
}
