import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig, ProviderConfig } from '../../../config/types.js';
import { InMemoryCircuitBreakers } from '../../../routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../../../routing/health.js';
import { createStatusProvider } from './status.js';

function model(id: string, provider: string): ModelConfig {
  return {
    id,
    owned_by: provider,
    created: 0,
    context_length: 1000,
    max_output_tokens: 100,
    pricing: { input_per_million: 1, output_per_million: 1 },
    capabilities: { vision: false, tools: false },
    deployments: [{ provider, model: `${id}-upstream` }],
  };
}

const providers: Record<string, ProviderConfig> = {
  alpha: { id: 'alpha', format: 'openai', baseUrl: 'http://a', apiKey: 'k' },
  beta: { id: 'beta', format: 'openai', baseUrl: 'http://b', apiKey: 'simulated' },
  gamma: { id: 'gamma', format: 'openai', baseUrl: 'http://c' },
};

describe('status provider', () => {
  it('reports up, degraded and down from health stats and breakers', () => {
    let now = 1_000_000;
    const health = new InMemoryHealthStore({ now: () => now });
    const breakers = new InMemoryCircuitBreakers({ now: () => now, failureThreshold: 2 });
    const status = createStatusProvider({
      providers,
      models: [model('a1', 'alpha'), model('b1', 'beta'), model('c1', 'gamma')],
      simulated: ['beta'],
      health,
      breakers,
      now: () => now,
    });

    const fresh = status();
    assert.deepEqual(
      fresh.providers.map((p) => [p.id, p.state, p.success_rate, p.ttft_ms, p.configured, p.simulated]),
      [
        ['alpha', 'up', null, null, true, false],
        ['beta', 'up', null, null, true, true],
        ['gamma', 'down', null, null, false, false],
      ],
    );
    assert.equal(fresh.updated_at, new Date(now).toISOString());

    for (let i = 0; i < 8; i++) health.recordSuccess('alpha/a1-upstream', { ttftMs: 200, totalMs: 400, outputTokens: 10 });
    for (let i = 0; i < 3; i++) health.recordSuccess('beta/b1-upstream', { ttftMs: 100, totalMs: 200, outputTokens: 10 });
    for (let i = 0; i < 3; i++) health.recordFailure('beta/b1-upstream', { retryable: true });
    now += 1000;
    const measured = status();
    const alpha = measured.providers[0];
    assert.equal(alpha?.state, 'up');
    assert.equal(alpha?.success_rate, 1);
    assert.equal(alpha?.recent_requests, 8);
    // The router's estimate: measured samples blended with its 800 ms prior, so a little above 200.
    assert.ok((alpha?.ttft_ms ?? 0) >= 200 && (alpha?.ttft_ms ?? 0) < 260, String(alpha?.ttft_ms));
    assert.equal(measured.providers[1]?.success_rate, 0.5);
    assert.equal(measured.providers[1]?.state, 'degraded');

    breakers.onFailure('alpha/a1-upstream');
    breakers.onFailure('alpha/a1-upstream');
    assert.equal(status().providers[0]?.state, 'down');
  });
});
