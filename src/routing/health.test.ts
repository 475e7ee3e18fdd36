import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runHealthStoreContract } from './health-store.contract.test.js';
import { deploymentKey, InMemoryHealthStore } from './health.js';
import { manualClock } from './strategies/strategy.contract.test.js';

describe('InMemoryHealthStore', () => {
  runHealthStoreContract((options) => new InMemoryHealthStore(options));

  it('does not let one straggler swamp the estimate', () => {
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (let i = 0; i < 19; i++) health.recordSuccess('p/m', { ttftMs: 500, totalMs: 1500, outputTokens: 100 });
    health.recordSuccess('p/m', { ttftMs: 60_000, totalMs: 61_000, outputTokens: 100 });
    assert.ok(health.snapshot('p/m').ttftMs < 1000);
  });

  it('keys deployments by provider and upstream model', () => {
    assert.equal(deploymentKey({ provider: 'groq', model: 'meta-llama/llama-4' }), 'groq/meta-llama/llama-4');
  });
});
