import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardThrottles, type LoginVerdict } from './dashboard-throttles.js';
import { MemoryAttemptLog } from './memory-attempt-log.js';

function throttlesAt(clock: { now: number }, limits?: ConstructorParameters<typeof DashboardThrottles>[1]) {
  return new DashboardThrottles(new MemoryAttemptLog({ now: () => clock.now }), limits);
}

function allowed(verdict: LoginVerdict) {
  assert.ok(verdict.allowed, 'the attempt is let through');
  return verdict.attempt;
}

describe('DashboardThrottles', () => {
  it('login: 5 attempts per email in 15 minutes, from any address, then refused until the oldest leaves', async () => {
    const clock = { now: 0 };
    const throttles = throttlesAt(clock);
    for (let i = 0; i < 5; i++) {
      allowed(await throttles.beginLogin('a@example.com', `10.0.0.${i}`));
      clock.now += 60_000;
    }
    assert.deepEqual(await throttles.beginLogin('A@Example.com ', '10.0.0.9'), { allowed: false, retryAfterSeconds: 600 });
    allowed(await throttles.beginLogin('b@example.com', '10.0.0.9'));
    clock.now = 900_000 - 1;
    assert.equal((await throttles.beginLogin('a@example.com', '10.0.0.9')).allowed, false);
    clock.now = 900_000;
    allowed(await throttles.beginLogin('a@example.com', '10.0.0.9'));
  });

  it('login: 20 attempts per address across emails; an IPv6 address counts with its /64', async () => {
    const clock = { now: 1000 };
    const throttles = throttlesAt(clock);
    for (let i = 0; i < 20; i++) allowed(await throttles.beginLogin(`u${i}@example.com`, `2001:db8:1:2::${i}`));
    clock.now += 1000;
    assert.deepEqual(await throttles.beginLogin('new@example.com', '2001:db8:1:2:ffff::1'), { allowed: false, retryAfterSeconds: 899 });
    allowed(await throttles.beginLogin('new@example.com', '2001:db8:1:3::1'));
  });

  it('login: a success clears its email and gives its address place back', async () => {
    const throttles = throttlesAt(
      { now: 0 },
      { ...defaults(), loginPerEmail: { limit: 2, windowMs: 1000 }, loginPerAddress: { limit: 3, windowMs: 1000 } },
    );
    allowed(await throttles.beginLogin('a@example.com', 'ip'));
    const second = allowed(await throttles.beginLogin('a@example.com', 'ip'));
    assert.equal((await throttles.beginLogin('a@example.com', 'other')).allowed, false);
    await throttles.loginSucceeded(second);
    allowed(await throttles.beginLogin('a@example.com', 'other'));
    // The address holds the first (failed) attempt only, plus the one just above from elsewhere: 2 more fit.
    allowed(await throttles.beginLogin('b@example.com', 'ip'));
    allowed(await throttles.beginLogin('c@example.com', 'ip'));
    assert.equal((await throttles.beginLogin('d@example.com', 'ip')).allowed, false);
  });

  it('signup: 5 per address per hour; provider-key tests: 10 per account per hour', async () => {
    const clock = { now: 0 };
    const throttles = throttlesAt(clock);
    for (let i = 0; i < 5; i++) assert.deepEqual(await throttles.beginSignup('198.51.100.1'), { allowed: true });
    assert.deepEqual(await throttles.beginSignup('198.51.100.1'), { allowed: false, retryAfterSeconds: 3600 });
    assert.deepEqual(await throttles.beginSignup('198.51.100.2'), { allowed: true });
    for (let i = 0; i < 10; i++) assert.deepEqual(await throttles.beginProviderKeyTest('acct_1'), { allowed: true });
    clock.now += 1500;
    assert.deepEqual(await throttles.beginProviderKeyTest('acct_1'), { allowed: false, retryAfterSeconds: 3599 });
    assert.deepEqual(await throttles.beginProviderKeyTest('acct_2'), { allowed: true });
  });
});

function defaults() {
  return {
    loginPerEmail: { limit: 5, windowMs: 900_000 },
    loginPerAddress: { limit: 20, windowMs: 900_000 },
    signupPerAddress: { limit: 5, windowMs: 3_600_000 },
    providerKeyTestsPerAccount: { limit: 10, windowMs: 3_600_000 },
  };
}
