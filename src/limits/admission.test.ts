import assert from 'node:assert/strict';
import { beforeEach, describe, it, type MockTimers } from 'node:test';
import type { KeyRecord } from '../auth/index.js';
import type { PlanConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import { Admission, reservedOutputTokens, type AdmitInput } from './admission.js';
import { AdmissionError } from './admission-error.js';
import type { AdmissionKey } from './effective-limits.js';
import { MemoryLimiterBackend } from './memory/memory-backend.js';

const PLANS: Record<string, PlanConfig> = {
  free: { rpm: 60, tpm: 150_000, concurrent: 5, included_tokens: 1_000_000 },
  enterprise: { rpm: 3000, tpm: 10_000_000, concurrent: 200, included_tokens: 1_000_000_000 },
};
const T0 = Date.UTC(2026, 4, 10, 12, 0, 0);
const NO_OVERRIDES = { rpm: null, tpm: null, concurrent: null, includedTokens: null };

function key(overrides: Partial<AdmissionKey> = {}): AdmissionKey {
  const base = { keyId: 'key_1', accountId: 'acct_1', plan: 'free', limits: NO_OVERRIDES };
  return { ...base, keySpendCapUsd: null, accountSpendCapUsd: null, ...overrides };
}

function input(overrides: Partial<AdmitInput> = {}): AdmitInput {
  return { key: key(), promptTokens: 100, maxOutputTokens: 100, worstCaseCostUsd: 0.01, byok: false, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<AdmissionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof AdmissionError, `expected an AdmissionError, got ${String(error)}`);
  return error;
}

describe('Admission', () => {
  let t: number;
  let backend: MemoryLimiterBackend;
  let admission: Admission;
  beforeEach(() => {
    t = T0;
    backend = new MemoryLimiterBackend(() => t);
    let n = 0;
    admission = new Admission({ backend, plans: PLANS, newId: () => `req-${++n}` });
  });

  it('admits with the headers of the window this request counts in', async () => {
    const ticket = await admission.admit(input());
    assert.equal(ticket.id, 'req-1');
    assert.deepEqual(ticket.headers(), {
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '59',
      'X-RateLimit-Reset': '60',
      'X-RateLimit-Limit-Tokens': '150000',
      'X-RateLimit-Remaining-Tokens': '149800',
    });
  });

  it('rejects the 61st request in a minute with 429, whole-second Retry-After and the headers', async () => {
    for (let i = 0; i < 60; i += 1) await (await admission.admit(input())).settle({ totalTokens: 10, costUsd: 0 });
    t = T0 + 20_500;
    const error = await rejection(admission.admit(input()));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.stage, 'rpm');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterSeconds, 40);
    assert.equal(error.message, 'Rate limit reached: 60 requests per minute on plan free. Please try again in 40s.');
    assert.equal(error.headers['X-RateLimit-Remaining'], '0');
    assert.equal(error.headers['X-RateLimit-Reset'], '40');
    assert.deepEqual(error.headers, await admission.peekHeaders(key()));
  });

  it('gives at least one second of Retry-After and names concurrency and tpm limits', async () => {
    for (let i = 0; i < 5; i += 1) await admission.admit(input());
    const busy = await rejection(admission.admit(input()));
    assert.equal(busy.retryAfterSeconds, 1);
    assert.match(busy.message, /^Concurrency limit reached: 5 requests in flight on plan free\./);
    const other = key({ accountId: 'acct_2' });
    const tooBig = await rejection(admission.admit(input({ key: other, promptTokens: 150_000 })));
    assert.equal(tooBig.stage, 'tpm');
    assert.equal(tooBig.retryable, false);
    assert.equal(tooBig.retryAfterSeconds, undefined);
    assert.match(tooBig.message, /needs 150100 tokens .* limit of 150000 tokens per minute on plan free/);
  });

  it('names account overrides instead of the plan', async () => {
    const custom = key({ plan: 'enterprise', limits: { ...NO_OVERRIDES, rpm: 1 } });
    await admission.admit(input({ key: custom }));
    const error = await rejection(admission.admit(input({ key: custom })));
    assert.match(error.message, /^Rate limit reached: 1 requests per minute for this account\./);
    assert.equal((await admission.peekHeaders(custom))['X-RateLimit-Limit-Tokens'], '10000000');
  });

  it('rejects over a cap with 402 quota_exceeded naming the cap, not retryable', async () => {
    const capped = key({ keySpendCapUsd: 5, accountSpendCapUsd: 0.0025 });
    const keyCap = await rejection(admission.admit(input({ key: capped, worstCaseCostUsd: 5.01 })));
    assert.deepEqual([keyCap.status, keyCap.code, keyCap.retryable], [402, 'quota_exceeded', false]);
    assert.equal(keyCap.message, 'Monthly spend cap of $5.00 on this key reached.');
    const accountCap = await rejection(admission.admit(input({ key: capped })));
    assert.equal(accountCap.message, 'Monthly spend cap of $0.0025 on this account reached.');
    await admission.seedMonthly({ accountId: 'acct_1' }, { costUsd: 0, tokens: 999_900 });
    const included = await rejection(admission.admit(input()));
    assert.equal(included.message, 'Monthly included tokens of 1000000 on plan free used up.');
    assert.equal(included.headers['X-RateLimit-Remaining'], '60');
  });

  it('ends a ticket once: later settle or fail calls change nothing', async () => {
    const ticket = await admission.admit(input({ key: key({ keySpendCapUsd: 1 }), worstCaseCostUsd: 0.5 }));
    await ticket.settle({ totalTokens: 150, costUsd: 0.2 });
    await ticket.fail();
    await ticket.settle({ totalTokens: 150, costUsd: 0.2 });
    assert.equal(ticket.finished, true);
    const totals = await backend.readMonthly({ keyId: 'key_1' });
    assert.deepEqual([totals.spentNanoUsd, totals.reservedNanoUsd, totals.tokens], [0.2e9, 0, 150]);
  });

  it('charges the worst case and frees the lease when settled with a bad usage', async () => {
    const ticket = await admission.admit(input({ key: key({ limits: { ...NO_OVERRIDES, concurrent: 1 } }) }));
    await assert.rejects(ticket.settle({ totalTokens: Number.NaN, costUsd: 0 }), GatewayError);
    assert.equal((await backend.readMonthly({ accountId: 'acct_1' })).spentNanoUsd, 0.01e9);
    await admission.admit(input({ key: key({ limits: { ...NO_OVERRIDES, concurrent: 1 } }) }));
  });

  it('refuses invalid amounts and unknown plans as internal errors', async () => {
    await assert.rejects(admission.admit(input({ worstCaseCostUsd: Number.NaN })), { status: 500 });
    await assert.rejects(admission.admit(input({ promptTokens: -1 })), { status: 500 });
    await assert.rejects(admission.admit(input({ key: key({ plan: 'gold' }) })), { status: 500 });
    assert.equal((await admission.peekHeaders(key()))['X-RateLimit-Remaining'], '60');
  });

  it('seeds monthly totals in USD', async () => {
    await admission.seedMonthly({ accountId: 'acct_1' }, { costUsd: 4.99, tokens: 10 });
    const capped = key({ accountSpendCapUsd: 5 });
    const error = await rejection(admission.admit(input({ key: capped, worstCaseCostUsd: 0.02 })));
    assert.equal(error.stage, 'account_spend');
  });

  it("takes auth's KeyRecord as it is", async () => {
    const record: KeyRecord = {
      keyId: 'key_9',
      accountId: 'acct_9',
      plan: 'free',
      defaultRouting: null,
      keySpendCapUsd: 1,
      accountSpendCapUsd: null,
      limits: { rpm: 2, tpm: null, concurrent: null, includedTokens: null },
    };
    const ticket = await admission.admit(input({ key: record }));
    assert.equal(ticket.headers()['X-RateLimit-Limit'], '2');
  });

  it("refuses past a key's budget with 402 quota_exceeded naming it, while the key's cap and the account's leave room", async () => {
    const budgeted = key({ budget: { usd: 0.02, period: 'weekly' }, keySpendCapUsd: 5, accountSpendCapUsd: 10 });
    await (await admission.admit(input({ key: budgeted }))).settle({ totalTokens: 10, costUsd: 0.015 });
    const error = await rejection(admission.admit(input({ key: budgeted })));
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assert.equal(error.stage, 'key_budget');
    assert.match(error.message, /weekly budget of \$0\.02 on this key/);
    assert.match(error.message, /Monday at 00:00 UTC/);
    await (await admission.admit(input({ key: budgeted, byok: true }))).fail();
  });

  it("refuses past a key's own rpm with 429 on this key, the headers showing the key's limit", async () => {
    const limited = key({ keyRpm: 2, keyTpm: 1000 });
    const first = await admission.admit(input({ key: limited }));
    assert.equal(first.headers()['X-RateLimit-Limit'], '2');
    assert.equal(first.headers()['X-RateLimit-Remaining'], '1');
    assert.equal(first.headers()['X-RateLimit-Limit-Tokens'], '1000');
    assert.equal(first.headers()['X-RateLimit-Remaining-Tokens'], '800');
    await first.settle({ totalTokens: 50, costUsd: 0 });
    assert.equal((await admission.peekHeaders(limited))['X-RateLimit-Remaining-Tokens'], '950');
    await admission.countRefused(limited);
    const error = await rejection(admission.admit(input({ key: limited })));
    assert.equal(error.status, 429);
    assert.equal(error.stage, 'key_rpm');
    assert.equal(error.message, 'Rate limit reached: 2 requests per minute on this key. Please try again in 60s.');
    assert.equal(error.headers['X-RateLimit-Remaining'], '0');
    assert.equal((await admission.peekHeaders(key()))['X-RateLimit-Limit'], '60', "the account's other keys keep the plan's window");
  });

  it("keeps a running request's lease alive past its TTL, and stops once the ticket ends", async (context) => {
    // Time is mocked: the leases' expiry reads Date.now, and the keeper renews on setTimeout.
    context.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 });
    const TTL = 150;
    const kept = new Admission({ backend: new MemoryLimiterBackend(Date.now), plans: PLANS, leaseTtlMs: TTL });
    const one = key({ limits: { ...NO_OVERRIDES, concurrent: 1 } });
    const ticket = await kept.admit(input({ key: one }));
    assert.equal(kept.liveLeases, 1);
    await elapse(context.mock.timers, kept, TTL * 4);
    assert.equal((await rejection(kept.admit(input({ key: one })))).stage, 'concurrency', 'still held four TTLs later');
    await ticket.fail();
    assert.equal(kept.liveLeases, 0);
    await (await kept.admit(input({ key: one }))).fail();

    // Without the keeper the same lease lapses at its TTL (what a crashed holder's would do).
    const unkept = new Admission({ backend: new MemoryLimiterBackend(Date.now), plans: PLANS, leaseTtlMs: TTL, keepLeasesAlive: false });
    await unkept.admit(input({ key: one }));
    await elapse(context.mock.timers, unkept, TTL * 2);
    await (await unkept.admit(input({ key: one }))).fail();
  });
});

/**
 * Moves mocked time on by `ms` in small steps, letting the lease keeper finish each renewal it started (a renewal is
 * asynchronous and arms the next timer when it ends, so one big tick would fire only the first).
 */
async function elapse(timers: MockTimers, admission: Admission, ms: number): Promise<void> {
  const STEP_MS = 10;
  for (let passed = 0; passed < ms; passed += STEP_MS) {
    timers.tick(STEP_MS);
    await admission.settled();
  }
}

describe('reservedOutputTokens', () => {
  it('takes max_tokens, else 4096, capped by the model', () => {
    assert.equal(reservedOutputTokens(200, 8192), 200);
    assert.equal(reservedOutputTokens(undefined, 128_000), 4096);
    assert.equal(reservedOutputTokens(null, 1024), 1024);
  });
});
