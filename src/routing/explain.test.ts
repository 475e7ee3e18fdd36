import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog } from './catalog.js';
import { InMemoryCircuitBreakers } from './circuit-breaker.js';
import { explainRoute } from './explain.js';
import { InMemoryHealthStore } from './health.js';
import { Router } from './router.js';
import { defaultCatalog, manualClock, seededRandom, textRequest } from './strategies/strategy.contract.test.js';

function router(catalog = defaultCatalog()): Router {
  const clock = manualClock();
  return new Router({
    catalog,
    health: new InMemoryHealthStore({ now: clock.now }),
    breakers: new InMemoryCircuitBreakers({ now: clock.now }),
    now: clock.now,
    random: seededRandom(1),
  });
}

describe('explainRoute', () => {
  it('lists attempted candidates first, in attempt order, then the rest by rank', () => {
    const explanation = explainRoute(router().preview(textRequest(), 'cost'));
    assert.equal(explanation.mode, 'cost');
    assert.equal(explanation.candidates.length, 17);
    assert.deepEqual(
      explanation.candidates.slice(0, 4).map((c) => [c.model, c.attempt]),
      [
        ['gpt-5-nano', 1],
        ['gemini-2.5-flash-lite', 2],
        ['deepseek-chat', 3],
        ['gpt-4o-mini', null],
      ],
    );
    const first = explanation.candidates[0];
    assert.equal(first?.provider, 'openai');
    assert.equal(first?.upstream_model, 'gpt-5-nano');
    assert.equal(typeof first?.details.cost_usd, 'number');
    assert.equal(first?.score, first?.details.cost_usd);
  });

  it('says why deployments were excluded, and what the request needs', () => {
    const full = defaultCatalog();
    const catalog = new Catalog(full.models, {
      openai: { id: 'openai', format: 'openai', baseUrl: 'http://x', apiKey: 'k' },
      google: { id: 'google', format: 'gemini', baseUrl: 'http://g' },
    });
    const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA' } };
    const explanation = explainRoute(
      router(catalog).preview(textRequest({ messages: [{ role: 'user', content: [image] }], max_tokens: 20_000 }), 'latency'),
    );
    assert.deepEqual(explanation.requirements && { vision: explanation.requirements.vision, max: explanation.requirements.max_output_tokens }, {
      vision: true,
      max: 20_000,
    });
    const reasons = Object.fromEntries(explanation.excluded.map((e) => [e.model, [e.reason, e.detail]]));
    assert.deepEqual(reasons['gpt-4o-mini'], ['max_output_tokens', 'max output 16,384 < 20,000 requested']);
    assert.deepEqual(reasons['mistral-large'], ['vision', 'does not support image input']);
    assert.deepEqual(reasons['gemini-2.5-flash'], ['provider_unconfigured', 'provider google has no API key']);
    assert.ok(explanation.candidates.every((c) => c.provider === 'openai'));
    assert.equal(JSON.parse(JSON.stringify(explanation)).candidates.length, explanation.candidates.length);
  });

  it('explains an explicit model without requirements', () => {
    const explanation = explainRoute(router().preview(textRequest({ model: 'gpt-5' })));
    assert.equal(explanation.mode, 'explicit');
    assert.equal(explanation.requirements, null);
    assert.deepEqual(
      explanation.candidates.map((c) => [c.model, c.attempt, c.details.order]),
      [['gpt-5', 1, 1]],
    );
  });
});
