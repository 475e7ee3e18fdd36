/**
 * @module Limiter contract, part 4: the backend under `Admission` with many concurrent requests, where only the
 * atomicity of each backend call keeps caps and slots exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanConfig } from '../../config/types.js';
import { Admission } from '../admission.js';
import { AdmissionError } from '../admission-error.js';
import type { AdmissionKey } from '../effective-limits.js';
import type { Ticket } from '../ticket.js';
import { useContractContext, type MakeBackend } from './fixture.js';

const PLANS: Record<string, PlanConfig> = {
  free: { rpm: 1000, tpm: 10_000_000, concurrent: 1000, included_tokens: 100_000_000 },
};

function keyOf(accountId: string, keyId: string, overrides: Partial<AdmissionKey> = {}): AdmissionKey {
  const limits = { rpm: null, tpm: null, concurrent: null, includedTokens: null };
  return { keyId, accountId, plan: 'free', keySpendCapUsd: null, accountSpendCapUsd: null, limits, ...overrides };
}

type Outcome = { ticket: Ticket } | { error: AdmissionError };

async function outcome(promise: Promise<Ticket>): Promise<Outcome> {
  try {
    return { ticket: await promise };
  } catch (error) {
    assert.ok(error instanceof AdmissionError, String(error));
    return { error };
  }
}

/** Concurrent admissions through `Admission` on every backend. */
export function runAdmissionContract(makeBackend: MakeBackend): void {
  const ctx = useContractContext(makeBackend);

  describe('concurrent admissions', () => {
    it('never reserves past a spend cap: 100 at once against $1 at $0.03 each admit 33', async () => {
      const { backend, accountId, keyId } = ctx();
      const admission = new Admission({ backend, plans: PLANS });
      const key = keyOf(accountId, keyId, { keySpendCapUsd: 1 });
      const input = { key, promptTokens: 100, maxOutputTokens: 100, worstCaseCostUsd: 0.03, byok: false };
      const results = await Promise.all(Array.from({ length: 100 }, () => outcome(admission.admit(input))));
      const admitted = results.flatMap((r) => ('ticket' in r ? [r.ticket] : []));
      assert.equal(admitted.length, 33);
      assert.ok(admitted.length * 0.03 <= 1);
      for (const r of results) if ('error' in r) assert.equal(r.error.stage, 'key_spend');
      await Promise.all(admitted.map((t) => t.settle({ totalTokens: 150, costUsd: 0.01 })));
      const totals = await backend.readMonthly({ keyId });
      assert.equal(totals.spentNanoUsd, 0.33e9);
      assert.equal(totals.reservedNanoUsd, 0);
    });

    it('never leases past the concurrency limit, and frees every slot after all end', async () => {
      const { backend, accountId, keyId } = ctx();
      const admission = new Admission({ backend, plans: PLANS });
      const key = keyOf(accountId, keyId, { limits: { rpm: null, tpm: null, concurrent: 5, includedTokens: null } });
      const input = { key, promptTokens: 10, maxOutputTokens: 10, worstCaseCostUsd: 0, byok: false };
      const round = (): Promise<Outcome[]> => Promise.all(Array.from({ length: 50 }, () => outcome(admission.admit(input))));
      const first = await round();
      const held = first.flatMap((r) => ('ticket' in r ? [r.ticket] : []));
      assert.equal(held.length, 5);
      await Promise.all(held.map((t, i) => (i % 2 === 0 ? t.fail() : t.settle({ totalTokens: 1, costUsd: 0 }))));
      await Promise.all(held.map((t) => t.fail()));
      const second = await round();
      assert.equal(second.filter((r) => 'ticket' in r).length, 5);
    });

    it('lets BYOK requests past a spent cap', async () => {
      const { backend, accountId, keyId } = ctx();
      const admission = new Admission({ backend, plans: PLANS });
      const key = keyOf(accountId, keyId, { keySpendCapUsd: 0, accountSpendCapUsd: 0 });
      const input = { key, promptTokens: 10, maxOutputTokens: 10, worstCaseCostUsd: 1, byok: false };
      assert.equal(((await outcome(admission.admit(input))) as { error: AdmissionError }).error.status, 402);
      const ticket = await admission.admit({ ...input, byok: true });
      await ticket.settle({ totalTokens: 20, costUsd: 1 });
      assert.equal((await backend.readMonthly({ accountId })).spentNanoUsd, 0);
    });
  });
}
