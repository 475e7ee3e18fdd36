import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentKey, InMemoryHealthStore } from '../health.js';
import { deriveRequirements, filterCatalog } from '../requirements.js';
import { reliabilityStrategy, successBand } from './reliability.js';
import { defaultCatalog, manualClock, runStrategyContract, seededRandom, textRequest } from './strategy.contract.test.js';

runStrategyContract('reliability', () => reliabilityStrategy);

describe('reliability strategy', () => {
  const catalog = defaultCatalog();
  const req = deriveRequirements(textRequest());
  const { capable } = filterCatalog(catalog, req, () => false);
  const keyOf = (i: number): string => deploymentKey(capable[i]!.deployment);
  const ok = { ttftMs: 400, totalMs: 3000, outputTokens: 200 };

  it('prefers the healthier deployment over a faster one that fails', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    const random = seededRandom(4);
    for (let i = 0; i < 50; i++) {
      // capable[0] is fast but fails 30 % of the time; capable[1] is slower and never fails.
      if (random() < 0.3) health.recordFailure(keyOf(0), { retryable: true });
      else health.recordSuccess(keyOf(0), { ttftMs: 100, totalMs: 600, outputTokens: 200 });
      health.recordSuccess(keyOf(1), ok);
      clock.advance(500);
    }
    const ranked = reliabilityStrategy.rank(capable.slice(0, 2), req, health, clock.now());
    assert.equal(ranked[0]?.candidate, capable[1]);
    assert.ok((ranked[0]?.score ?? 0) > (ranked[1]?.score ?? 1));
  });

  it('ranks a deployment failing 100 % last, below never-tried ones', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    health.recordFailure(keyOf(0), { retryable: true });
    const ranked = reliabilityStrategy.rank(capable, req, health, clock.now());
    assert.equal(ranked.at(-1)?.candidate, capable[0]);
  });

  it('breaks equal success bands by latency', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 20; i++) {
      health.recordSuccess(keyOf(0), { ttftMs: 2000, totalMs: 9000, outputTokens: 200 });
      health.recordSuccess(keyOf(1), { ttftMs: 200, totalMs: 900, outputTokens: 200 });
    }
    const ranked = reliabilityStrategy.rank(capable.slice(0, 2), req, health, clock.now());
    assert.deepEqual(
      ranked.map((s) => s.candidate),
      [capable[1], capable[0]],
    );
  });

  it('forgets failures once they leave the 60 s window', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 5; i++) health.recordFailure(keyOf(0), { retryable: true });
    health.recordSuccess(keyOf(1), { ttftMs: 5000, totalMs: 20000, outputTokens: 200 });
    assert.equal(reliabilityStrategy.rank(capable.slice(0, 2), req, health, clock.now())[0]?.candidate, capable[1]);
    clock.advance(61_000);
    // Both windows are empty again; capable[0]'s untouched latency prior now beats capable[1]'s slow measurement.
    assert.equal(reliabilityStrategy.rank(capable.slice(0, 2), req, health, clock.now())[0]?.candidate, capable[0]);
  });

  it('bands success rates in 5-point steps', () => {
    assert.equal(successBand(0.95), 19);
    assert.equal(successBand(0.999), 19);
    assert.equal(successBand(0.7), 14);
    assert.equal(successBand(1), 20);
  });
});
