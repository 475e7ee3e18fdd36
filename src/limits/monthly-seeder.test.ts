import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import { Admission } from './admission.js';
import { AdmissionError } from './admission-error.js';
import type { AdmissionKey } from './effective-limits.js';
import { MemoryLimiterBackend } from './memory/memory-backend.js';
import { MonthlySeeder, RETRY_MS, type MonthlyCharge } from './monthly-seeder.js';
import type { MonthlyScope } from './types.js';

const T0 = Date.UTC(2026, 4, 10, 12, 0, 0);
const PLANS: Record<string, PlanConfig> = { pro: { rpm: 1000, tpm: 10_000_000, concurrent: 100, included_tokens: 1_000_000 } };
const NO_OVERRIDES = { rpm: null, tpm: null, concurrent: null, includedTokens: null };

function key(keyId: string, accountId = 'acct_1', accountSpendCapUsd: number | null = 5): AdmissionKey {
  return { keyId, accountId, plan: 'pro', limits: NO_OVERRIDES, keySpendCapUsd: null, accountSpendCapUsd };
}

/** A ledger that counts its reads and can hold or fail them. */
class FakeLedger {
  readonly charges = new Map<string, MonthlyCharge>();
  readonly reads: string[] = [];
  hold: Promise<void> | undefined;
  fail = false;

  load = async (scope: MonthlyScope): Promise<MonthlyCharge> => {
    const id = 'accountId' in scope ? `a:${scope.accountId}` : `k:${scope.keyId}`;
    this.reads.push(id);
    await this.hold;
    if (this.fail) throw new Error('database down');
    return this.charges.get(id) ?? { costUsd: 0, tokens: 0 };
  };
}

function world(options: { raised?: boolean } = {}) {
  const clock = { t: T0 };
  const backend = new MemoryLimiterBackend(() => clock.t);
  if (options.raised === false) backend.raiseMonthly = async () => false;
  const ledger = new FakeLedger();
  const seeder = new MonthlySeeder({ backend, load: ledger.load, now: () => clock.t });
  const admission = new Admission({ backend, plans: PLANS, seeder, keepLeasesAlive: false });
  const admit = (k: AdmissionKey, worstCaseCostUsd = 0.5, byok = false) =>
    admission.admit({ key: k, promptTokens: 10, maxOutputTokens: 10, worstCaseCostUsd, byok });
  return { clock, backend, ledger, seeder, admit };
}

describe('MonthlySeeder with admission', () => {
  it("loads an account's and a key's charges on their first spend, once, and admission enforces them", async () => {
    const { ledger, backend, admit } = world();
    ledger.charges.set('a:acct_1', { costUsd: 4.75, tokens: 500 });
    ledger.charges.set('k:key_1', { costUsd: 1.25, tokens: 100 });
    const error = await admit(key('key_1'), 0.5).catch((e: unknown) => e);
    assert.ok(error instanceof AdmissionError && error.stage === 'account_spend', `got ${String(error)}`);
    assert.deepEqual(ledger.reads.sort(), ['a:acct_1', 'k:key_1']);
    assert.equal((await backend.readMonthly({ keyId: 'key_1' })).spentNanoUsd, 1.25e9);
    const ticket = await admit(key('key_1'), 0.25);
    await ticket.settle({ totalTokens: 20, costUsd: 0.1 });
    assert.equal(ledger.reads.length, 2, 'loaded once');
    assert.equal((await backend.readMonthly({ accountId: 'acct_1' })).spentNanoUsd, 4.85e9);
  });

  it('reads each scope once however many requests wait on it, and never for BYOK requests', async () => {
    const { ledger, admit } = world();
    await admit(key('key_byok'), 0.1, true);
    assert.deepEqual(ledger.reads, []);
    let release = (): void => undefined;
    ledger.hold = new Promise((resolve) => {
      release = resolve;
    });
    const waiting = Array.from({ length: 20 }, () => admit(key('key_1'), 0.01));
    release();
    await Promise.all(waiting);
    assert.deepEqual(ledger.reads.sort(), ['a:acct_1', 'k:key_1']);
  });

  it('loads again in a new month, and after forgetting a scope (bounded memory)', async () => {
    const { clock, ledger, seeder } = world();
    await seeder.ensure('acct_1', 'key_1');
    assert.equal(seeder.ensure('acct_1', 'key_1'), undefined, 'loaded: no promise at all');
    clock.t = Date.UTC(2026, 5, 1);
    await seeder.ensure('acct_1', 'key_1');
    assert.equal(ledger.reads.length, 4);

    const small = new MonthlySeeder({ backend: new MemoryLimiterBackend(() => T0), load: ledger.load, now: () => T0, capacity: 2 });
    await small.ensure('acct_1', 'key_1');
    await small.ensure('acct_2', 'key_2');
    await small.ensure('acct_1', 'key_1');
    assert.equal(ledger.reads.length, 10);
  });

  it('answers 503 when the ledger cannot be read, and reads again on the next request', async () => {
    const { ledger, admit } = world();
    ledger.fail = true;
    const error = await admit(key('key_1')).catch((e: unknown) => e);
    assert.ok(error instanceof GatewayError);
    assert.deepEqual([error.status, error.retryAfterSeconds], [503, 1]);
    ledger.fail = false;
    await admit(key('key_1'), 0.01);
    assert.equal(ledger.reads.length, 4);
  });

  it('raises again after a while when only a local stand-in took the totals (Redis down)', async () => {
    const { clock, ledger, seeder } = world({ raised: false });
    await seeder.ensure('acct_1', 'key_1');
    assert.equal(seeder.ensure('acct_1', 'key_1'), undefined, 'not on every request');
    clock.t += RETRY_MS;
    await seeder.ensure('acct_1', 'key_1');
    assert.equal(ledger.reads.length, 4);
  });
});
