/** @module Shared circuit breakers: the breaker contract on Redis, then circuits shared between instances. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { connectTestRedis, describeWithRedis, waitFor } from '../../cluster/testing.js';
import { BREAKER_DEFAULTS, type CircuitBreakerOptions } from '../circuit-breaker.js';
import { manualClock } from '../strategies/strategy.contract.test.js';
import { runCircuitBreakersContract } from '../circuit-breakers.contract.test.js';
import { RedisCircuitBreakers } from './redis-circuit-breakers.js';

const redis = await connectTestRedis();

describeWithRedis('RedisCircuitBreakers', redis, (client, prefixes) => {
  const started: RedisCircuitBreakers[] = [];
  after(async () => {
    for (const breakers of started.splice(0)) await breakers.close();
  });
  async function open(options: CircuitBreakerOptions, prefix: string): Promise<RedisCircuitBreakers> {
    const breakers = new RedisCircuitBreakers({ ...options, redis: client, prefix });
    await breakers.start();
    started.push(breakers);
    return breakers;
  }

  describe('circuit breakers contract: redis', () => {
    runCircuitBreakersContract((options) => open(options, prefixes.next()));
  });

  it('opens the circuit on every instance when one sees the outage', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    const b = await open({ now: clock.now }, prefix);
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) a.onFailure('p/down');
    await waitFor(() => b.state('p/down') === 'open', 2000, 'b to open the circuit');
    assert.equal(b.canAttempt('p/down'), false);
    assert.equal(b.retryAt('p/down'), clock.now() + BREAKER_DEFAULTS.cooldownMs);
    assert.equal(b.state('p/up'), 'closed');
  });

  it('counts consecutive failures across instances and lets a success anywhere reset them', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const threshold = 4;
    const a = await open({ now: clock.now, failureThreshold: threshold }, prefix);
    const b = await open({ now: clock.now, failureThreshold: threshold }, prefix);
    let sentinels = 0;
    /** Each writer's events arrive in order: once its sentinel circuit is open on `to`, all before it applied. */
    const delivered = async (from: RedisCircuitBreakers, to: RedisCircuitBreakers): Promise<void> => {
      sentinels += 1;
      const sentinel = `sentinel/${sentinels}`;
      for (let i = 0; i < threshold; i++) from.onFailure(sentinel);
      await waitFor(() => to.state(sentinel) === 'open', 2000, 'delivery');
    };
    for (let i = 0; i < 3; i++) a.onFailure('k');
    await delivered(a, b);
    b.onSuccess('k');
    await delivered(b, a);
    for (let i = 0; i < 3; i++) a.onFailure('k');
    assert.equal(a.state('k'), 'closed', 'the success on b reset the count on a');
    b.onFailure('k');
    await waitFor(() => a.state('k') === 'open' && b.state('k') === 'open', 2000, 'both to open');
  });

  it('holds back other instances’ probes once one has claimed the half-open slot, and closes on its success', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    const b = await open({ now: clock.now }, prefix);
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) a.onFailure('k');
    await waitFor(() => b.state('k') === 'open', 2000, 'b to open');
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(a.canAttempt('k'), true, 'a probes');
    await waitFor(() => b.retryAt('k') === clock.now() + BREAKER_DEFAULTS.cooldownMs, 2000, 'b to see the probe');
    assert.equal(b.canAttempt('k'), false);
    a.onSuccess('k');
    await waitFor(() => b.state('k') === 'closed', 2000, 'b to close');
    assert.equal(b.canAttempt('k'), true);
  });

  it('shows a circuit opened earlier to an instance that starts later', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) a.onFailure('k');
    await a.close();
    const late = await open({ now: clock.now }, prefix);
    assert.equal(late.state('k'), 'open');
  });
});
