/**
 * @module The health store contract: the behaviour of `InMemoryHealthStore`'s tests, for any {@link HealthStore}
 * built on an injected clock, so a shared store is checked against the same expectations.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  DEFAULT_LATENCY_PRIOR,
  expectedAnswerMs,
  HEALTH_DEFAULTS,
  MIN_MS_PER_TOKEN,
  type HealthOptions,
  type HealthSnapshot,
  type HealthStore,
} from './health.js';
import { manualClock } from './strategies/strategy.contract.test.js';

/** Builds the store under test. */
export type MakeHealthStore = (options: HealthOptions) => HealthStore | Promise<HealthStore>;

const near = (actual: number, expected: number, tolerance = 0.01): void =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * tolerance, `${actual} is not within ${tolerance * 100} % of ${expected}`);

/** The snapshot's expected time for an answer of `outputTokens` tokens. */
const answerMs = (snapshot: HealthSnapshot, outputTokens: number): number =>
  expectedAnswerMs(snapshot.ttftMs, 1000 / snapshot.outputTokensPerSecond, outputTokens);

/** Registers the contract's tests in the current suite. */
export function runHealthStoreContract(make: MakeHealthStore): void {
  it('answers the generic prior for a never-measured deployment', async () => {
    const health = await make({ now: manualClock().now });
    const snapshot = health.snapshot('x/never');
    assert.equal(snapshot.ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs);
    near(snapshot.outputTokensPerSecond, DEFAULT_LATENCY_PRIOR.outputTokensPerSecond, 1e-9);
    assert.equal(snapshot.successRate, HEALTH_DEFAULTS.successPrior);
    assert.deepEqual([snapshot.outcomes, snapshot.evidence, snapshot.lastSeenAt], [0, 0, undefined]);
  });

  it('uses an injected per-deployment prior', async () => {
    const health = await make({ now: manualClock().now, priors: { 'p/fast': { ttftMs: 120, outputTokensPerSecond: 500 } } });
    assert.equal(health.snapshot('p/fast').ttftMs, 120);
    assert.equal(health.snapshot('p/other').ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs);
  });

  it('tracks steady measurements closely', async () => {
    const clock = manualClock();
    const health = await make({ now: clock.now });
    for (let i = 0; i < 100; i++) {
      health.recordSuccess('p/m', { ttftMs: 200, totalMs: 200 + 99 * 10, outputTokens: 100 });
      clock.advance(100);
    }
    const snapshot = health.snapshot('p/m');
    near(snapshot.ttftMs, 200, 0.03);
    near(snapshot.outputTokensPerSecond, 100, 0.03);
    assert.equal(snapshot.lastSeenAt, clock.now() - 100);
  });

  it('follows a change within a few half-lives of samples and decays stale ones toward the prior', async () => {
    const clock = manualClock();
    const health = await make({ now: clock.now });
    for (let i = 0; i < 100; i++) health.recordSuccess('p/m', { ttftMs: 1000, totalMs: 2000, outputTokens: 100 });
    for (let i = 0; i < 3 * HEALTH_DEFAULTS.halfLifeSamples; i++) health.recordSuccess('p/m', { ttftMs: 100, totalMs: 1100, outputTokens: 100 });
    assert.ok(health.snapshot('p/m').ttftMs < 150);
    for (let i = 0; i < 20; i++) health.recordSuccess('p/s', { ttftMs: 20_000, totalMs: 30_000, outputTokens: 100 });
    assert.ok(health.snapshot('p/s').ttftMs > 15_000);
    clock.advance(12 * HEALTH_DEFAULTS.halfLifeMs);
    near(health.snapshot('p/s').ttftMs, DEFAULT_LATENCY_PRIOR.ttftMs, 0.2);
  });

  it('skips rate samples it cannot measure and timings that are not numbers', async () => {
    const health = await make({ now: manualClock().now });
    health.recordSuccess('p/m', { ttftMs: Number.NaN, totalMs: 500, outputTokens: 1 });
    health.recordSuccess('p/m', { ttftMs: 500, totalMs: 500, outputTokens: 50 });
    health.recordSuccess('p/m', { ttftMs: undefined, totalMs: 500, outputTokens: Number.NaN });
    const snapshot = health.snapshot('p/m');
    near(snapshot.outputTokensPerSecond, DEFAULT_LATENCY_PRIOR.outputTokensPerSecond, 1e-9);
    assert.ok(Number.isFinite(snapshot.ttftMs));
    assert.equal(snapshot.outcomes, 3);
  });

  it('learns from non-streamed calls: their total time scales both figures, keeping the prior split', async () => {
    const clock = manualClock();
    const health = await make({ now: clock.now });
    // 24 tokens in 60 ms, where the prior expects 800 + 23 × 16.7 ms: the deployment is ~20× faster than assumed.
    for (let i = 0; i < 30; i++) {
      health.recordSuccess('p/json', { ttftMs: undefined, totalMs: 60, outputTokens: 24 });
      clock.advance(100);
    }
    const snapshot = health.snapshot('p/json');
    near(answerMs(snapshot, 24), 60, 0.1);
    const priorMsPerToken = 1000 / DEFAULT_LATENCY_PRIOR.outputTokensPerSecond;
    near(snapshot.ttftMs / (1000 / snapshot.outputTokensPerSecond), DEFAULT_LATENCY_PRIOR.ttftMs / priorMsPerToken, 1e-6);
    assert.ok(snapshot.evidence > 10);
    assert.equal(snapshot.outcomes, 30);
  });

  it('keeps the split streamed calls measured when non-streamed calls rescale it', async () => {
    const clock = manualClock();
    const health = await make({ now: clock.now });
    // Streams: 200 ms to the first token, then 10 ms per token.
    for (let i = 0; i < 40; i++) health.recordSuccess('p/m', { ttftMs: 200, totalMs: 200 + 99 * 10, outputTokens: 100 });
    // Then it slows down to twice that, seen only on non-streamed calls of another length.
    for (let i = 0; i < 60; i++) health.recordSuccess('p/m', { ttftMs: undefined, totalMs: 2 * (200 + 299 * 10), outputTokens: 300 });
    const snapshot = health.snapshot('p/m');
    near(snapshot.ttftMs, 400, 0.1);
    near(snapshot.outputTokensPerSecond, 50, 0.1);
  });

  it('reads a stream whose tokens arrived together as 10,000 tokens/s at most, not as an instant rate', async () => {
    const health = await make({ now: manualClock().now });
    for (let i = 0; i < 40; i++) health.recordSuccess('p/burst', { ttftMs: 2, totalMs: 2.05, outputTokens: 100 });
    const { outputTokensPerSecond } = health.snapshot('p/burst');
    assert.ok(outputTokensPerSecond <= 1000 / MIN_MS_PER_TOKEN, `${outputTokensPerSecond} tokens/s`);
    near(outputTokensPerSecond, 1000 / MIN_MS_PER_TOKEN, 0.1);
  });

  it('puts the whole time of a non-streamed answer of one token or none on the first token', async () => {
    const health = await make({ now: manualClock().now });
    for (let i = 0; i < 30; i++) health.recordSuccess('p/short', { ttftMs: undefined, totalMs: 40, outputTokens: 1 });
    const snapshot = health.snapshot('p/short');
    near(snapshot.ttftMs, 40, 0.2);
    near(snapshot.outputTokensPerSecond, DEFAULT_LATENCY_PRIOR.outputTokensPerSecond, 1e-9);
    health.recordSuccess('p/none', { ttftMs: undefined, totalMs: Number.NaN, outputTokens: 10 });
    assert.equal(health.snapshot('p/none').evidence, 0);
    assert.equal(health.snapshot('p/none').outcomes, 1);
  });

  it('computes a smoothed success rate over a sliding window of at most windowSize outcomes', async () => {
    const clock = manualClock();
    const health = await make({ now: clock.now });
    const ok = { ttftMs: 100, totalMs: 200, outputTokens: 10 };
    for (let i = 0; i < 7; i++) health.recordSuccess('p/m', ok);
    for (let i = 0; i < 3; i++) health.recordFailure('p/m', { retryable: true });
    health.recordFailure('p/m', { retryable: false });
    assert.equal(health.snapshot('p/m').outcomes, 10);
    near(health.snapshot('p/m').successRate, (7 + 1.9) / 12);
    clock.advance(HEALTH_DEFAULTS.windowMs);
    assert.equal(health.snapshot('p/m').successRate, HEALTH_DEFAULTS.successPrior);
    const small = await make({ now: clock.now, windowSize: 10 });
    for (let i = 0; i < 10; i++) small.recordFailure('p/m', { retryable: true });
    for (let i = 0; i < 10; i++) small.recordSuccess('p/m', { ttftMs: 1, totalMs: 2, outputTokens: 2 });
    assert.equal(small.snapshot('p/m').outcomes, 10);
    near(small.snapshot('p/m').successRate, 11.9 / 12);
  });
}
