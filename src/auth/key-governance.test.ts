/**
 * A key's governance settings: the rules of a budget's amount and period, the checks of each field (all before
 * anything is written), and the record authentication builds from a stored key — its expiry ending it like a
 * revocation, an unreadable allow-list allowing nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveKeyRow } from '../store/index.js';
import { readAllowedModels } from './allowed-models.js';
import { AuthServiceError } from './errors.js';
import { governancePatch, newKeyGovernance } from './key-governance.js';
import { toCachedKey } from './key-record.js';

const NOW = new Date('2026-05-10T12:00:00.000Z');
const NO_BUDGET = { budgetUsd: null, budgetPeriod: null };

function refusal(run: () => unknown): AuthServiceError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AuthServiceError, String(error));
    return error;
  }
  assert.fail('expected an AuthServiceError');
}

describe('key governance settings', () => {
  it('gives a new key none by default, and a budget amount alone is monthly', () => {
    assert.deepEqual(newKeyGovernance({}, NOW), { ...NO_BUDGET, allowedModels: null, rpmLimit: null, tpmLimit: null, expiresAt: null });
    assert.deepEqual(newKeyGovernance({ budgetUsd: 4 }, NOW).budgetPeriod, 'monthly');
    assert.deepEqual(newKeyGovernance({ budgetUsd: 0, budgetPeriod: 'daily' }, NOW).budgetPeriod, 'daily', 'a zero budget is allowed: BYOK only');
  });

  it('changes a budget period alone, keeps it when only the amount changes, and clears both with the amount', () => {
    const weekly = { budgetUsd: 5, budgetPeriod: 'weekly' as const };
    assert.deepEqual(governancePatch({ budgetPeriod: 'daily' }, weekly, NOW), { budgetPeriod: 'daily' });
    assert.deepEqual(governancePatch({ budgetUsd: 8 }, weekly, NOW), { budgetUsd: 8, budgetPeriod: 'weekly' });
    assert.deepEqual(governancePatch({ budgetUsd: null }, weekly, NOW), { budgetUsd: null, budgetPeriod: null });
    assert.deepEqual(governancePatch({ rpmLimit: null }, weekly, NOW), { rpmLimit: null }, 'untouched fields stay out of the patch');
  });

  it('refuses each bad field with a code naming it', () => {
    const cases: [Parameters<typeof governancePatch>[0], string][] = [
      [{ budgetUsd: -1 }, 'invalid_budget'],
      [{ budgetUsd: Number.NaN }, 'invalid_budget'],
      [{ budgetUsd: 1, budgetPeriod: 'hourly' }, 'invalid_budget_period'],
      [{ budgetPeriod: 'daily' }, 'invalid_budget_period'],
      [{ budgetUsd: null, budgetPeriod: 'daily' }, 'invalid_budget_period'],
      [{ allowedModels: [] }, 'invalid_allowed_models'],
      [{ allowedModels: ['gpt 4'] }, 'invalid_allowed_models'],
      [{ rpmLimit: 0 }, 'invalid_rpm_limit'],
      [{ tpmLimit: 2.5 }, 'invalid_tpm_limit'],
      [{ expiresAt: '2026-05-10T12:00:00Z' }, 'invalid_expires_at'],
      [{ expiresAt: '2026-05-11T12:00:00' }, 'invalid_expires_at'],
      [{ expiresAt: 'next week' }, 'invalid_expires_at'],
    ];
    for (const [input, code] of cases) assert.equal(refusal(() => governancePatch(input, NO_BUDGET, NOW)).code, code, JSON.stringify(input));
  });

  it('normalises an expiry to UTC (a date alone is its 00:00 UTC)', () => {
    assert.equal(governancePatch({ expiresAt: '2026-05-11' }, NO_BUDGET, NOW).expiresAt, '2026-05-11T00:00:00.000Z');
    assert.equal(governancePatch({ expiresAt: '2026-05-11T02:00:00+02:00' }, NO_BUDGET, NOW).expiresAt, '2026-05-11T00:00:00.000Z');
  });
});

describe('the record authentication builds', () => {
  const row = (overrides: Partial<ActiveKeyRow>): ActiveKeyRow => ({
    keyId: 'key_1',
    keyHash: 'h',
    accountId: 'acct_1',
    plan: 'free',
    defaultRouting: null,
    defaultProvider: null,
    keySpendCapUsd: null,
    accountSpendCapUsd: null,
    limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
    revokeAt: null,
    ...overrides,
  });

  it("carries the budget, the key's own limits and its allow-list", () => {
    const { record } = toCachedKey(row({ budgetUsd: 2, budgetPeriod: 'daily', rpmLimit: 5, tpmLimit: 900, allowedModels: '["claude-*"]' }));
    assert.deepEqual(record.budget, { usd: 2, period: 'daily' });
    assert.deepEqual([record.keyRpm, record.keyTpm], [5, 900]);
    assert.equal(record.allowedModels?.matches('claude-haiku-4.5'), true);
    assert.equal(record.allowedModels?.matches('gpt-5'), false);
  });

  it('ends the key at its expiry or at the end of its grace period, whichever comes first', () => {
    assert.equal(toCachedKey(row({ expiresAt: '2026-06-01T00:00:00.000Z' })).revokeAtMs, Date.UTC(2026, 5, 1));
    const both = row({ revokeAt: '2026-05-20T00:00:00.000Z', expiresAt: '2026-06-01T00:00:00.000Z' });
    assert.equal(toCachedKey(both).revokeAtMs, Date.UTC(2026, 4, 20));
    assert.equal(toCachedKey(row({})).revokeAtMs, null);
  });

  it('allows no model when the stored allow-list cannot be read (fails closed)', () => {
    assert.deepEqual(readAllowedModels('not json'), []);
    assert.deepEqual(readAllowedModels('{"a":1}'), []);
    assert.deepEqual(readAllowedModels('["gpt-5", 3]'), []);
    assert.equal(readAllowedModels(null), null);
    assert.equal(toCachedKey(row({ allowedModels: '[' })).record.allowedModels?.matches('gpt-5'), false);
  });
});
