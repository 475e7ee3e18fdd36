import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { findAccountById } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createAccountsService, type AccountsService } from './accounts-service.js';
import { AuthServiceError } from './errors.js';
import { verifyPassword } from './password.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof AuthServiceError && error.code === code;
}

await describeEachDialect('accounts service', (dialect) => {
  let temp: TempStore;
  let accounts: AccountsService;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    accounts = createAccountsService({ db: temp.store.db, now: () => NOW });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates a free account with a normalised email and no password', async () => {
    const account = await accounts.createAccount({ email: '  Ada@Example.COM ' });
    assert.match(account.id, /^acct_/);
    assert.equal(account.email, 'ada@example.com');
    assert.equal(account.plan, 'free');
    assert.equal(account.createdAt, NOW.toISOString());
    assert.ok(!('passwordHash' in account));
    assert.deepEqual(await accounts.findAccountByEmail('ADA@example.com'), account);
    assert.equal((await findAccountById(temp.store.db, account.id))?.passwordHash, null);
  });

  it('stores a verifiable password hash, never the password', async () => {
    const account = await accounts.createAccount({ email: 'b@example.com', password: 'long enough', plan: 'pro' });
    assert.equal(account.plan, 'pro');
    const stored = await findAccountById(temp.store.db, account.id);
    assert.ok(stored?.passwordHash);
    assert.ok(!stored.passwordHash.includes('long enough'));
    assert.equal(await verifyPassword('long enough', stored.passwordHash), true);
  });

  it('refuses bad input with typed errors', async () => {
    await assert.rejects(accounts.createAccount({ email: 'not-an-email' }), hasCode('invalid_email'));
    await assert.rejects(accounts.createAccount({ email: 'a@b' }), hasCode('invalid_email'));
    await assert.rejects(accounts.createAccount({ email: 'c@example.com', plan: 'gold' }), hasCode('invalid_plan'));
    await assert.rejects(accounts.createAccount({ email: 'c@example.com', password: 'short' }), hasCode('invalid_password'));
  });

  it('refuses a duplicate email whatever its case', async () => {
    await accounts.createAccount({ email: 'dup@example.com' });
    await assert.rejects(accounts.createAccount({ email: 'DUP@example.com' }), hasCode('duplicate_email'));
  });

  it('changes the password only with the current one, and only to a valid one', async () => {
    const account = await accounts.createAccount({ email: 'p@example.com', password: 'first password' });
    await assert.rejects(accounts.changePassword(account.id, 'wrong password', 'second password'), hasCode('wrong_password'));
    await assert.rejects(accounts.changePassword(account.id, 'first password', 'short'), hasCode('invalid_password'));
    await assert.rejects(accounts.changePassword('acct_missing', 'first password', 'second password'), hasCode('account_not_found'));
    assert.ok(await accounts.authenticate('p@example.com', 'first password'), 'nothing changed yet');
    await accounts.changePassword(account.id, 'first password', 'second password');
    assert.equal(await accounts.authenticate('p@example.com', 'first password'), undefined);
    assert.ok(await accounts.authenticate('p@example.com', 'second password'));
    const keyOnly = await accounts.createAccount({ email: 'nopass@example.com' });
    await assert.rejects(accounts.changePassword(keyOnly.id, '', 'second password'), hasCode('wrong_password'));
  });
});

await describeEachDialect('accounts service limits', (dialect) => {
  let temp: TempStore;
  let changes: number;
  let accounts: AccountsService;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    changes = 0;
    accounts = createAccountsService({
      db: temp.store.db,
      now: () => NOW,
      onChange: () => {
        changes += 1;
      },
    });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates an account with limit overrides and a spend cap', async () => {
    const account = await accounts.createAccount({
      email: 'ent@example.com',
      plan: 'enterprise',
      rpm: 1_000,
      includedTokens: 0,
      monthlySpendCapUsd: 99.5,
    });
    assert.deepEqual(account.limits, { rpm: 1_000, tpm: null, concurrent: null, includedTokens: 0 });
    assert.equal(account.monthlySpendCapUsd, 99.5);
  });

  it('updates only the fields given, clears with null and announces the change', async () => {
    await accounts.createAccount({ email: 'ent@example.com', rpm: 10, tpm: 20, monthlySpendCapUsd: 5 });
    const updated = await accounts.updateAccountLimits('ENT@example.com', {
      plan: 'pro',
      tpm: null,
      concurrent: 3,
      monthlySpendCapUsd: null,
    });
    assert.equal(updated.plan, 'pro');
    assert.deepEqual(updated.limits, { rpm: 10, tpm: null, concurrent: 3, includedTokens: null });
    assert.equal(updated.monthlySpendCapUsd, null);
    assert.ok(!('passwordHash' in updated));
    assert.deepEqual(await accounts.findAccountByEmail('ent@example.com'), updated);
    assert.equal(changes, 1);

    const unchanged = await accounts.updateAccountLimits('ent@example.com', {});
    assert.deepEqual(unchanged, updated);
  });

  it('refuses bad limits and unknown accounts, changing nothing', async () => {
    await accounts.createAccount({ email: 'ent@example.com', rpm: 10 });
    const bad = [{ rpm: 0 }, { tpm: 1.5 }, { concurrent: -1 }, { includedTokens: Number.NaN }];
    for (const input of bad) {
      await assert.rejects(accounts.updateAccountLimits('ent@example.com', input), hasCode('invalid_limit'));
    }
    await assert.rejects(accounts.updateAccountLimits('ent@example.com', { monthlySpendCapUsd: -1 }), hasCode('invalid_spend_cap'));
    await assert.rejects(accounts.updateAccountLimits('ent@example.com', { plan: 'gold' }), hasCode('invalid_plan'));
    await assert.rejects(accounts.createAccount({ email: 'x@example.com', rpm: 0 }), hasCode('invalid_limit'));
    await assert.rejects(accounts.updateAccountLimits('ghost@example.com', { rpm: 5 }), hasCode('account_not_found'));
    assert.equal((await accounts.findAccountByEmail('ent@example.com'))?.limits.rpm, 10);
    assert.equal(changes, 0);
  });
});
