/**
 * @module The circuit-breaker contract: the behaviour of `InMemoryCircuitBreakers`' tests, for any
 * {@link CircuitBreakers} built on an injected clock.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BREAKER_DEFAULTS, type CircuitBreakerOptions, type CircuitBreakers } from './circuit-breaker.js';
import { manualClock } from './strategies/strategy.contract.test.js';

/** Builds the breakers under test. */
export type MakeCircuitBreakers = (options: CircuitBreakerOptions) => CircuitBreakers | Promise<CircuitBreakers>;

/** Registers the contract's tests in the current suite. */
export function runCircuitBreakersContract(make: MakeCircuitBreakers): void {
  async function tripped(): Promise<{ breakers: CircuitBreakers; clock: ReturnType<typeof manualClock> }> {
    const clock = manualClock();
    const breakers = await make({ now: clock.now });
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) breakers.onFailure('k');
    return { breakers, clock };
  }

  it('stays closed below the threshold and resets on success', async () => {
    const breakers = await make({ now: manualClock().now });
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold - 1; i++) breakers.onFailure('k');
    breakers.onSuccess('k');
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold - 1; i++) breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'closed');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.retryAt('k'), undefined);
  });

  it('opens after consecutive failures and refuses attempts during the cool-down', async () => {
    const { breakers, clock } = await tripped();
    assert.equal(breakers.state('k'), 'open');
    assert.equal(breakers.canAttempt('k'), false);
    assert.equal(breakers.retryAt('k'), clock.now() + BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.state('other'), 'closed');
  });

  it('half-opens after the cool-down, lets exactly one probe through, and closes when it succeeds', async () => {
    const { breakers, clock } = await tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.state('k'), 'half_open');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.canAttempt('k'), false);
    assert.equal(breakers.retryAt('k'), clock.now() + BREAKER_DEFAULTS.cooldownMs);
    breakers.onSuccess('k');
    assert.equal(breakers.state('k'), 'closed');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.canAttempt('k'), true, 'closed: no probe limit any more');
  });

  it('reopens for a full cool-down when the probe fails', async () => {
    const { breakers, clock } = await tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs + 5);
    assert.equal(breakers.canAttempt('k'), true);
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'open');
    clock.advance(BREAKER_DEFAULTS.cooldownMs - 1);
    assert.equal(breakers.canAttempt('k'), false);
    clock.advance(1);
    assert.equal(breakers.canAttempt('k'), true);
  });

  it('frees a probe slot that never reported after another cool-down', async () => {
    const { breakers, clock } = await tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.canAttempt('k'), true);
    clock.advance(BREAKER_DEFAULTS.cooldownMs - 1);
    assert.equal(breakers.canAttempt('k'), false);
    clock.advance(1);
    assert.equal(breakers.canAttempt('k'), true);
  });

  it('ignores late failures while open and honours custom thresholds', async () => {
    const clock = manualClock();
    const breakers = await make({ now: clock.now, failureThreshold: 2, cooldownMs: 1000 });
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'closed');
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'open');
    clock.advance(500);
    breakers.onFailure('k');
    clock.advance(500);
    assert.equal(breakers.state('k'), 'half_open');
  });
}
