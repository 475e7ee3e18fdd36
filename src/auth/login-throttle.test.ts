import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('allows 5 failures per email in 15 minutes, then refuses until the oldest leaves the window', () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(throttle.check('a@example.com', `10.0.0.${i}`), { allowed: true });
      throttle.recordFailure('a@example.com', `10.0.0.${i}`);
      now += 60_000;
    }
    assert.deepEqual(throttle.check('A@Example.com ', '10.0.0.9'), { allowed: false, retryAfterSeconds: 600 });
    assert.deepEqual(throttle.check('b@example.com', '10.0.0.9'), { allowed: true });
    now = 900_000 - 1;
    assert.equal(throttle.check('a@example.com', '10.0.0.9').allowed, false);
    now = 900_000;
    assert.deepEqual(throttle.check('a@example.com', '10.0.0.9'), { allowed: true });
  });

  it('allows 20 failures per IP across emails', () => {
    let now = 1_000;
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 20; i++) {
      assert.equal(throttle.check(`u${i}@example.com`, '10.1.1.1').allowed, true);
      throttle.recordFailure(`u${i}@example.com`, '10.1.1.1');
    }
    now += 1_000;
    assert.deepEqual(throttle.check('new@example.com', '10.1.1.1'), { allowed: false, retryAfterSeconds: 899 });
    assert.equal(throttle.check('new@example.com', '10.1.1.2').allowed, true);
  });

  it('a success forgets the email failures but not the IP ones', () => {
    const throttle = new LoginThrottle({ now: () => 0, maxPerEmail: 2, maxPerIp: 3 });
    throttle.recordFailure('a@example.com', 'ip');
    throttle.recordFailure('a@example.com', 'ip');
    assert.equal(throttle.check('a@example.com', 'other').allowed, false);
    throttle.recordSuccess('a@example.com');
    assert.equal(throttle.check('a@example.com', 'other').allowed, true);
    throttle.recordFailure('b@example.com', 'ip');
    assert.equal(throttle.check('c@example.com', 'ip').allowed, false);
  });

  it('sweeps stale entries so memory stays bounded', () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now, sweepThreshold: 10 });
    for (let i = 0; i < 5; i++) throttle.recordFailure(`u${i}@example.com`, `ip${i}`);
    now = 1_000_000;
    throttle.recordFailure('late@example.com', 'late-ip');
    for (let i = 0; i < 5; i++) assert.equal(throttle.check(`u${i}@example.com`, `ip${i}`).allowed, true);
  });
});
