import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LATENCY_PRIOR, deploymentKey, HEALTH_DEFAULTS, InMemoryHealthStore } from './health.js';
import { manualClock } from './strategies/strategy.contract.test.js';

const near = (actual: number, expected: number, tolerance = 0.01): void =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * tolerance, `${actual} is not within ${tolerance * 100} % of ${expected}`);

describe('InMemoryHealthStore', () => {
  it('answers the generic prior for a never-measured deployment', () => {
    const health = new InMemoryHealthStore({ now: manualClock().now });
    const snapshot = health.snapshot('x/never');
    assert.equal(snapshot.ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs);
    near(snapshot.outputTokensPerSecond, DEFAULT_LATENCY_PRIOR.outputTokensPerSecond, 1e-9);
    assert.equal(snapshot.successRate, HEALTH_DEFAULTS.successPrior);
    assert.equal(snapshot.outcomes, 0);
    assert.equal(snapshot.evidence, 0);
    assert.equal(snapshot.lastSeenAt, undefined);
  });

  it('uses an injected per-deployment prior', () => {
    const health = new InMemoryHealthStore({ now: manualClock().now, priors: { 'p/fast': { ttftMs: 120, outputTokensPerSecond: 500 } } });
    assert.equal(health.snapshot('p/fast').ttftMs, 120);
    assert.equal(health.snapshot('p/other').ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs);
  });

  it('tracks steady measurements closely', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 100; i++) {
      health.recordSuccess('p/m', { ttftMs: 200, totalMs: 200 + 99 * 10, outputTokens: 100 });
      clock.advance(100);
    }
    const snapshot = health.snapshot('p/m');
    near(snapshot.ttftMs, 200, 0.03);
    near(snapshot.outputTokensPerSecond, 100, 0.03);
    assert.equal(snapshot.lastSeenAt, clock.now() - 100);
  });

  it('follows a change within a few half-lives of samples', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 100; i++) health.recordSuccess('p/m', { ttftMs: 1000, totalMs: 2000, outputTokens: 100 });
    for (let i = 0; i < 3 * HEALTH_DEFAULTS.halfLifeSamples; i++) health.recordSuccess('p/m', { ttftMs: 100, totalMs: 1100, outputTokens: 100 });
    // After three sample half-lives the old level keeps about 1/8 of the (log-space) weight: 1000^⅛·100^⅞ ≈ 133 ms.
    assert.ok(health.snapshot('p/m').ttftMs < 150);
  });

  it('decays stale measurements toward the prior', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 20; i++) health.recordSuccess('p/m', { ttftMs: 20_000, totalMs: 30_000, outputTokens: 100 });
    assert.ok(health.snapshot('p/m').ttftMs > 15_000);
    clock.advance(10 * HEALTH_DEFAULTS.halfLifeMs);
    near(health.snapshot('p/m').ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs, 0.2);
    assert.ok(health.snapshot('p/m').evidence < 0.05);
  });

  it('does not let one straggler swamp the estimate', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 19; i++) health.recordSuccess('p/m', { ttftMs: 500, totalMs: 1500, outputTokens: 100 });
    health.recordSuccess('p/m', { ttftMs: 60_000, totalMs: 61_000, outputTokens: 100 });
    assert.ok(health.snapshot('p/m').ttftMs < 1000);
  });

  it('skips rate samples it cannot measure and timings that are not numbers', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    health.recordSuccess('p/m', { ttftMs: Number.NaN, totalMs: 500, outputTokens: 1 });
    health.recordSuccess('p/m', { ttftMs: 500, totalMs: 500, outputTokens: 50 });
    const snapshot = health.snapshot('p/m');
    near(snapshot.outputTokensPerSecond, DEFAULT_LATENCY_PRIOR.outputTokensPerSecond, 1e-9);
    assert.ok(Number.isFinite(snapshot.ttftMs));
    assert.equal(snapshot.outcomes, 2);
  });

  it('computes a smoothed success rate over a sliding window', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    const ok = { ttftMs: 100, totalMs: 200, outputTokens: 10 };
    for (let i = 0; i < 7; i++) health.recordSuccess('p/m', ok);
    for (let i = 0; i < 3; i++) health.recordFailure('p/m', { retryable: true });
    health.recordFailure('p/m', { retryable: false });
    const snapshot = health.snapshot('p/m');
    assert.equal(snapshot.outcomes, 10);
    near(snapshot.successRate, (7 + 1.9) / 12);
    clock.advance(HEALTH_DEFAULTS.windowMs);
    assert.equal(health.snapshot('p/m').outcomes, 0);
    assert.equal(health.snapshot('p/m').successRate, HEALTH_DEFAULTS.successPrior);
  });

  it('keeps at most the last windowSize outcomes', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now, windowSize: 10 });
    for (let i = 0; i < 10; i++) health.recordFailure('p/m', { retryable: true });
    for (let i = 0; i < 10; i++) health.recordSuccess('p/m', { ttftMs: 1, totalMs: 2, outputTokens: 2 });
    const snapshot = health.snapshot('p/m');
    assert.equal(snapshot.outcomes, 10);
    near(snapshot.successRate, 11.9 / 12);
  });

  it('keys deployments by provider and upstream model', () => {
    assert.equal(deploymentKey({ provider: 'groq', model: 'meta-llama/llama-4' }), 'groq/meta-llama/llama-4');
  });
});
