import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BREAKER_DEFAULTS, InMemoryCircuitBreakers } from './circuit-breaker.js';
import { manualClock } from './strategies/strategy.contract.test.js';

function tripped(): { breakers: InMemoryCircuitBreakers; clock: ReturnType<typeof manualClock> } {
  const clock = manualClock();
  const breakers = new InMemoryCircuitBreakers({ now: clock.now });
  for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) breakers.onFailure('k');
  return { breakers, clock };
}

describe('InMemoryCircuitBreakers', () => {
  it('stays closed below the threshold and resets on success', () => {
    const breakers = new InMemoryCircuitBreakers({ now: manualClock().now });
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold - 1; i++) breakers.onFailure('k');
    breakers.onSuccess('k');
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold - 1; i++) breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'closed');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.retryAt('k'), undefined);
  });

  it('opens after consecutive failures and refuses attempts during the cool-down', () => {
    const { breakers, clock } = tripped();
    assert.equal(breakers.state('k'), 'open');
    assert.equal(breakers.canAttempt('k'), false);
    assert.equal(breakers.retryAt('k'), clock.now() + BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.state('other'), 'closed');
  });

  it('half-opens after the cool-down and lets exactly one probe through', () => {
    const { breakers, clock } = tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.state('k'), 'half_open');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.canAttempt('k'), false);
    assert.equal(breakers.retryAt('k'), clock.now() + BREAKER_DEFAULTS.cooldownMs);
  });

  it('closes when the probe succeeds', () => {
    const { breakers, clock } = tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.canAttempt('k'), true);
    breakers.onSuccess('k');
    assert.equal(breakers.state('k'), 'closed');
    assert.equal(breakers.canAttempt('k'), true);
    assert.equal(breakers.canAttempt('k'), true);
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { breakers, clock } = tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs + 5);
    assert.equal(breakers.canAttempt('k'), true);
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'open');
    clock.advance(BREAKER_DEFAULTS.cooldownMs - 1);
    assert.equal(breakers.canAttempt('k'), false);
    clock.advance(1);
    assert.equal(breakers.canAttempt('k'), true);
  });

  it('frees a probe slot that never reported after another cool-down', () => {
    const { breakers, clock } = tripped();
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(breakers.canAttempt('k'), true);
    clock.advance(BREAKER_DEFAULTS.cooldownMs - 1);
    assert.equal(breakers.canAttempt('k'), false);
    clock.advance(1);
    assert.equal(breakers.canAttempt('k'), true);
  });

  it('ignores late failures while open and honours custom thresholds', () => {
    const clock = manualClock();
    const breakers = new InMemoryCircuitBreakers({ now: clock.now, failureThreshold: 2, cooldownMs: 1000 });
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'closed');
    breakers.onFailure('k');
    assert.equal(breakers.state('k'), 'open');
    clock.advance(500);
    breakers.onFailure('k');
    clock.advance(500);
    assert.equal(breakers.state('k'), 'half_open');
  });
});
