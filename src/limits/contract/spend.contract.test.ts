/** @module Limiter contract, part 3: spend caps, included tokens, month rollover, BYOK, seeding and raising. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USD, useContractContext, type MakeBackend } from './fixture.js';

/** Monthly spend and token behaviour every backend must share. */
export function runSpendContract(makeBackend: MakeBackend): void {
  const ctx = useContractContext(makeBackend);

  describe('spend caps', () => {
    it('rejects a reservation that would pass the key cap and settles to actual cost', async () => {
      const { backend, keyId, accountId, spend, admitOk, admitRejected } = ctx();
      const twoOfFive = spend({ costNanoUsd: 2 * USD, keyCapNanoUsd: 5 * USD });
      const a = await admitOk({ spend: twoOfFive });
      await admitOk({ spend: twoOfFive });
      assert.deepEqual((await admitRejected({ spend: twoOfFive })).rejection, { stage: 'key_spend' });
      assert.equal(await backend.finish(a, { tokens: 7, costNanoUsd: USD / 2 }), true);
      const key = await backend.readMonthly({ keyId });
      assert.equal(key.spentNanoUsd, USD / 2);
      assert.equal(key.reservedNanoUsd, 2 * USD);
      assert.deepEqual(await backend.readMonthly({ accountId }), { ...key, tokens: 7, reservedTokens: 10 });
      await admitOk({ spend: twoOfFive });
      await admitRejected({ spend: spend({ costNanoUsd: USD / 2 + 1, keyCapNanoUsd: 5 * USD }) });
      await admitOk({ spend: spend({ costNanoUsd: USD / 2, keyCapNanoUsd: 5 * USD }) });
    });

    it('checks the account cap after the key cap', async () => {
      const { spend, admitOk, admitRejected } = ctx();
      const both = spend({ costNanoUsd: 6e8, keyCapNanoUsd: 1e9, accountCapNanoUsd: 1e9 });
      await admitOk({ spend: both });
      assert.deepEqual((await admitRejected({ spend: both })).rejection, { stage: 'key_spend' });
      const accountOnly = spend({ costNanoUsd: 6e8, accountCapNanoUsd: 1e9 });
      assert.deepEqual((await admitRejected({ spend: accountOnly })).rejection, { stage: 'account_spend' });
    });

    it('refunds a failed request', async () => {
      const { backend, keyId, spend, admitOk } = ctx();
      const reservation = await admitOk({ spend: spend({ costNanoUsd: USD, keyCapNanoUsd: USD }) });
      await backend.finish(reservation, null);
      const key = await backend.readMonthly({ keyId });
      assert.equal(key.spentNanoUsd + key.reservedNanoUsd, 0);
      await admitOk({ spend: spend({ costNanoUsd: USD, keyCapNanoUsd: USD }) });
    });

    it('rejects a request whose worst case alone passes the cap, and admits any at a null cap', async () => {
      const { spend, admitOk, admitRejected } = ctx();
      await admitRejected({ spend: spend({ costNanoUsd: USD + 1, keyCapNanoUsd: USD }) });
      await admitRejected({ spend: spend({ costNanoUsd: 1, accountCapNanoUsd: 0 }) });
      await admitOk({ spend: spend({ costNanoUsd: 1000 * USD }) });
    });
  });

  describe('included tokens', () => {
    it('reserves worst-case tokens against the monthly allowance and settles to actual', async () => {
      const { backend, spend, admitOk, admitRejected } = ctx();
      const allowance = { tokens: 600, spend: spend({ includedTokens: 1000 }) };
      const first = await admitOk(allowance);
      assert.deepEqual((await admitRejected(allowance)).rejection, { stage: 'included_tokens' });
      await backend.finish(first, { tokens: 100, costNanoUsd: 0 });
      await admitOk(allowance);
      await admitOk({ ...allowance, tokens: 300 });
      await admitRejected({ ...allowance, tokens: 1 });
    });
  });

  describe('months', () => {
    it('starts spend afresh in a new UTC month; a late settle stays in its own month', async () => {
      const { backend, keyId, clock, spend, admitOk, admitRejected } = ctx();
      const capped = { spend: spend({ costNanoUsd: USD, keyCapNanoUsd: USD }) };
      clock.t = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
      const january = await admitOk(capped);
      await admitRejected(capped);
      clock.t = Date.UTC(2026, 1, 1);
      await admitOk(capped);
      await backend.finish(january, { tokens: 10, costNanoUsd: USD });
      assert.deepEqual(await backend.readMonthly({ keyId }), {
        month: '2026-02',
        spentNanoUsd: 0,
        reservedNanoUsd: USD,
        tokens: 0,
        reservedTokens: 10,
      });
    });
  });

  describe('BYOK and seeding', () => {
    it('admits a request without a spend part past every cap and counts nothing monthly', async () => {
      const { backend, accountId, spend, admitOk } = ctx();
      await admitOk({ spend: spend({ costNanoUsd: USD, accountCapNanoUsd: USD }) });
      const byok = await admitOk({ spend: null, tokens: 500 });
      await backend.finish(byok, { tokens: 400, costNanoUsd: 3 * USD });
      const account = await backend.readMonthly({ accountId });
      assert.equal(account.spentNanoUsd + account.reservedNanoUsd, USD);
      assert.equal(account.tokens + account.reservedTokens, 10);
    });

    it('seeds this month from the ledger and keeps reservations', async () => {
      const { backend, accountId, keyId, spend, admitOk, admitRejected } = ctx();
      await backend.seedMonthly({ accountId }, 4.5 * USD, 900);
      await backend.seedMonthly({ keyId }, USD, 0);
      const capped = spend({ costNanoUsd: USD, accountCapNanoUsd: 5 * USD });
      assert.deepEqual((await admitRejected({ spend: capped })).rejection, { stage: 'account_spend' });
      await admitOk({ spend: spend({ costNanoUsd: USD / 4, accountCapNanoUsd: 5 * USD }) });
      await backend.seedMonthly({ accountId }, 4 * USD, 1000);
      const account = await backend.readMonthly({ accountId });
      assert.deepEqual(account, {
        month: '2026-05',
        spentNanoUsd: 4 * USD,
        reservedNanoUsd: USD / 4,
        tokens: 1000,
        reservedTokens: 10,
      });
      assert.equal((await backend.readMonthly({ keyId })).spentNanoUsd, USD);
    });

    it('raises this month to the ledger totals without ever lowering them, keeping reservations', async () => {
      const { backend, accountId, clock, spend, admitOk } = ctx();
      const first = await admitOk({ spend: spend({ costNanoUsd: USD }) });
      await backend.finish(first, { tokens: 8, costNanoUsd: USD / 2 });
      const reserved = await admitOk({ spend: spend({ costNanoUsd: USD / 4 }) });
      // Another instance's late read of the ledger (less than the counter already holds) changes nothing.
      await backend.raiseMonthly({ accountId }, USD / 4, 2);
      assert.deepEqual(await backend.readMonthly({ accountId }), {
        month: '2026-05',
        spentNanoUsd: USD / 2,
        reservedNanoUsd: USD / 4,
        tokens: 8,
        reservedTokens: 10,
      });
      // Each amount is raised on its own; the reservation stays and settles as usual.
      await backend.raiseMonthly({ accountId }, 3 * USD, 5);
      await backend.finish(reserved, { tokens: 1, costNanoUsd: USD / 8 });
      const raised = await backend.readMonthly({ accountId });
      assert.equal(raised.spentNanoUsd, 3 * USD + USD / 8);
      assert.equal(raised.tokens, 9);
      assert.equal(raised.reservedNanoUsd, 0);
      // A later month starts from what it is raised to, not from the month before.
      clock.t = Date.UTC(2026, 5, 1);
      await backend.raiseMonthly({ accountId }, USD, 1);
      assert.deepEqual(await backend.readMonthly({ accountId }), {
        month: '2026-06',
        spentNanoUsd: USD,
        reservedNanoUsd: 0,
        tokens: 1,
        reservedTokens: 0,
      });
    });
  });
}
