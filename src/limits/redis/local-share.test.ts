/** A degraded instance's share of a key's own limits and budget. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdmitRequest } from '../types.js';
import { scaleRequest } from './local-share.js';

const request: AdmitRequest = {
  id: 'r',
  accountId: 'a',
  keyId: 'k',
  rpm: 100,
  tpm: 10_000,
  concurrent: 10,
  keyRpm: 9,
  keyTpm: null,
  slots: 1,
  tokens: 10,
  spend: { costNanoUsd: 5, keyCapNanoUsd: null, accountCapNanoUsd: null, includedTokens: 1000, keyBudget: { capNanoUsd: 1000, period: 'daily' } },
  leaseTtlMs: 1000,
};

describe('scaleRequest', () => {
  it("cuts the key's own rpm and its budget's headroom to this instance's share", () => {
    const bases = { account: { nanoUsd: 0, tokens: 0 }, key: { nanoUsd: 900, tokens: 0 }, budget: { nanoUsd: 400, tokens: 0 } };
    const scaled = scaleRequest(request, 3, bases);
    assert.equal(scaled.keyRpm, 3);
    assert.equal(scaled.keyTpm, null, 'no limit stays no limit');
    assert.deepEqual(scaled.spend?.keyBudget, { period: 'daily', capNanoUsd: 400 + 200 }, 'the daily counter’s base, a third of what is left');
    const monthly = scaleRequest({ ...request, spend: { ...request.spend!, keyBudget: { capNanoUsd: 1000, period: 'monthly' } } }, 2, bases);
    assert.equal(monthly.spend?.keyBudget?.capNanoUsd, 900 + 50, "a monthly budget counts on the key's monthly counter");
  });
});
