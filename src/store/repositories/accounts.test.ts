import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { DuplicateEmailError } from '../errors.js';
import { describeEachDialect, type TempStore } from '../testing.js';
import { createAccount, findAccountByEmail, findAccountById, updateAccountLimits } from './accounts.js';

const CREATED_AT = '2025-01-02T03:04:05.000Z';

await describeEachDialect('accounts repository', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates and finds an account by email and by id', async () => {
    const created = await createAccount(temp.store.db, {
      id: 'acct_1',
      email: 'a@example.com',
      passwordHash: 'scrypt$x',
      plan: 'enterprise',
      createdAt: CREATED_AT,
      limits: { rpm: 600, includedTokens: 5_000_000_000 },
      monthlySpendCapUsd: 250.5,
    });
    assert.deepEqual(created, {
      id: 'acct_1',
      email: 'a@example.com',
      passwordHash: 'scrypt$x',
      plan: 'enterprise',
      limits: { rpm: 600, tpm: null, concurrent: null, includedTokens: 5_000_000_000 },
      monthlySpendCapUsd: 250.5,
      createdAt: CREATED_AT,
    });
    assert.deepEqual(await findAccountByEmail(temp.store.db, 'a@example.com'), created);
    assert.deepEqual(await findAccountById(temp.store.db, 'acct_1'), created);
    assert.equal(await findAccountByEmail(temp.store.db, 'b@example.com'), undefined);
    assert.equal(await findAccountById(temp.store.db, 'acct_2'), undefined);
  });

  it('rejects a duplicate email with DuplicateEmailError', async () => {
    const account = { email: 'a@example.com', passwordHash: null, plan: 'free' as const, createdAt: CREATED_AT };
    await createAccount(temp.store.db, { id: 'acct_1', ...account });
    await assert.rejects(createAccount(temp.store.db, { id: 'acct_2', ...account }), DuplicateEmailError);
  });

  it('updates plan, limits and cap, leaving absent fields and returning undefined for unknown ids', async () => {
    await createAccount(temp.store.db, {
      id: 'acct_1',
      email: 'a@example.com',
      passwordHash: null,
      plan: 'free',
      createdAt: CREATED_AT,
      limits: { rpm: 5, tpm: 6 },
      monthlySpendCapUsd: 7,
    });
    const updated = await updateAccountLimits(temp.store.db, 'acct_1', {
      plan: 'enterprise',
      limits: { tpm: null, concurrent: 9 },
    });
    assert.equal(updated?.plan, 'enterprise');
    assert.deepEqual(updated?.limits, { rpm: 5, tpm: null, concurrent: 9, includedTokens: null });
    assert.equal(updated?.monthlySpendCapUsd, 7);
    assert.deepEqual(await updateAccountLimits(temp.store.db, 'acct_1', {}), updated);
    assert.equal(await updateAccountLimits(temp.store.db, 'acct_2', { plan: 'pro' }), undefined);
    assert.equal(await updateAccountLimits(temp.store.db, 'acct_2', {}), undefined);
  });
});
