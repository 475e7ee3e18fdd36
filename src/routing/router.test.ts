import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingMode } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { Catalog } from './catalog.js';
import { BREAKER_DEFAULTS, InMemoryCircuitBreakers } from './circuit-breaker.js';
import { deploymentKey, InMemoryHealthStore } from './health.js';
import { Router, type RouterDeps } from './router.js';
import { defaultCatalog, manualClock, promptOfSize, seededRandom, textRequest } from './strategies/strategy.contract.test.js';

function setup(overrides: Partial<RouterDeps> = {}) {
  const clock = manualClock();
  const health = new InMemoryHealthStore({ now: clock.now });
  const breakers = new InMemoryCircuitBreakers({ now: clock.now });
  const router = new Router({ catalog: defaultCatalog(), health, breakers, now: clock.now, random: seededRandom(1), ...overrides });
  return { router, clock, health, breakers };
}

const models = (decision: { candidates: ReadonlyArray<{ model: { id: string } }> }): string[] => decision.candidates.map((c) => c.model.id);
const ok = { ok: true as const, ttftMs: 300, totalMs: 2000, outputTokens: 200 };
const retryable = { ok: false as const, retryable: true };

describe('Router with model "auto"', () => {
  it('hands out the cheapest models, one per provider first, bounded to three attempts', () => {
    const { router } = setup();
    const decision = router.route(textRequest(), 'cost');
    assert.equal(decision.mode, 'cost');
    assert.deepEqual(models(decision), ['gpt-5-nano', 'gemini-2.5-flash-lite', 'deepseek-chat']);
    assert.equal(decision.scored.length, 17);
    assert.equal(decision.requirements?.tools, false);
  });

  it('fills with further deployments of the same provider when there are fewer providers than attempts', () => {
    const full = defaultCatalog();
    const onlyOpenAi = new Catalog(full.models, { openai: { id: 'openai', format: 'openai', baseUrl: 'http://x', apiKey: 'k' } });
    const { router } = setup({ catalog: onlyOpenAi });
    assert.deepEqual(models(router.route(textRequest(), 'cost')), ['gpt-5-nano', 'gpt-4o-mini', 'gpt-5-mini']);
  });

  it('takes the mode from the body, else the key, else the router default', () => {
    const { router } = setup({ defaultMode: 'reliability' });
    assert.equal(router.route(textRequest({ routing: 'latency' }), 'cost').mode, 'latency');
    assert.equal(router.route(textRequest(), 'cost').mode, 'cost');
    assert.equal(router.route(textRequest()).mode, 'reliability');
    assert.equal(setup().router.route(textRequest()).mode, 'cost');
  });

  it('honours maxAttempts and reuses the prompt size measured by the caller', () => {
    const { router } = setup({ maxAttempts: 1 });
    const decision = router.route(textRequest(), 'cost', { prompt: promptOfSize(42) });
    assert.equal(decision.candidates.length, 1);
    assert.equal(decision.requirements?.promptTokens, 42);
  });

  it('answers 400 naming the requirement nothing meets', () => {
    const { router } = setup();
    assert.throws(
      () => router.route(textRequest(), 'cost', { prompt: promptOfSize(2_000_000) }),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 400);
        assert.match(error.message, /No model with a 2,000,000-token context/);
        return true;
      },
    );
  });

  it('skips deployments whose circuit opened after reported failures', () => {
    const { router } = setup();
    const nano = router.route(textRequest(), 'cost').candidates[0]!;
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(nano, retryable);
    const decision = router.route(textRequest(), 'cost');
    assert.equal(models(decision)[0], 'gemini-2.5-flash-lite');
    assert.ok(decision.excluded.some((e) => e.model.id === 'gpt-5-nano' && e.reason === 'circuit_open'));
  });

  it('hands a half-open deployment to one request only, and preview claims nothing', () => {
    const { router, clock } = setup();
    const nano = router.route(textRequest(), 'cost').candidates[0]!;
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(nano, retryable);
    clock.advance(BREAKER_DEFAULTS.cooldownMs);
    assert.equal(models(router.preview(textRequest(), 'cost'))[0], 'gpt-5-nano');
    assert.equal(models(router.route(textRequest(), 'cost'))[0], 'gpt-5-nano');
    assert.notEqual(models(router.route(textRequest(), 'cost'))[0], 'gpt-5-nano');
    router.report(nano, ok);
    assert.equal(models(router.route(textRequest(), 'cost'))[0], 'gpt-5-nano');
  });

  it('feeds health: only retryable failures count against a deployment', () => {
    const { router, health } = setup();
    const nano = router.route(textRequest(), 'cost').candidates[0]!;
    router.report(nano, { ok: false, retryable: false });
    router.report(nano, ok);
    const snapshot = health.snapshot(deploymentKey(nano.deployment));
    assert.equal(snapshot.outcomes, 1);
    assert.ok(snapshot.evidence > 0);
  });

  for (const mode of ['reliability', 'latency', 'cost'] as RoutingMode[]) {
    it(`keeps every request succeeding in ${mode} mode while one provider fails 100 % and another 30 %`, () => {
      const { router, clock } = setup({ random: seededRandom(11) });
      const faults = seededRandom(12);
      const failureRate: Record<string, number> = { openai: 1, google: 0.3 };
      let succeeded = 0;
      const total = 500;
      for (let i = 0; i < total; i++) {
        for (const candidate of router.route(textRequest(), mode).candidates) {
          if (faults() < (failureRate[candidate.deployment.provider] ?? 0)) router.report(candidate, retryable);
          else {
            router.report(candidate, ok);
            succeeded += 1;
            break;
          }
        }
        clock.advance(200);
      }
      assert.equal(succeeded, total);
    });
  }
});

describe('Router with an explicit model', () => {
  it('returns the configured deployments without ranking', () => {
    const { router } = setup();
    const decision = router.route(textRequest({ model: 'claude-haiku-4.5', routing: 'latency' }));
    assert.equal(decision.mode, 'explicit');
    assert.deepEqual(models(decision), ['claude-haiku-4.5']);
    assert.equal(decision.requirements, undefined);
  });

  it("hands out both deployments of the default catalog's llama-4-maverick: Groq first, DeepInfra next", () => {
    const decision = setup().router.route(textRequest({ model: 'llama-4-maverick' }));
    assert.deepEqual(
      decision.candidates.map((c) => [c.model.id, deploymentKey(c.deployment)]),
      [
        ['llama-4-maverick', 'groq/meta-llama/llama-4-maverick-17b-128e-instruct'],
        ['llama-4-maverick', 'deepinfra/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8'],
      ],
    );
  });

  it('fails over between the deployments of a model, skipping an open circuit', () => {
    const base = defaultCatalog().get('claude-haiku-4.5')!;
    const model = {
      ...base,
      deployments: [
        { provider: 'a', model: 'haiku-a' },
        { provider: 'b', model: 'haiku-b' },
      ],
    };
    const provider = (id: string) => ({ id, format: 'anthropic' as const, baseUrl: `http://${id}`, apiKey: 'k' });
    const { router } = setup({ catalog: new Catalog([model], { a: provider('a'), b: provider('b') }) });
    const req = textRequest({ model: model.id });
    const [first, second] = router.route(req).candidates;
    assert.deepEqual([first?.deployment.model, second?.deployment.model], ['haiku-a', 'haiku-b']);
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(first!, retryable);
    const decision = router.route(req);
    assert.deepEqual(
      decision.candidates.map((c) => c.deployment.model),
      ['haiku-b'],
    );
    assert.deepEqual(
      decision.excluded.map((e) => [e.deployment.model, e.reason]),
      [['haiku-a', 'circuit_open']],
    );
  });

  it('answers 400 for an unknown model', () => {
    assert.throws(() => setup().router.route(textRequest({ model: 'nope' })), { status: 400, param: 'model' });
  });

  it('answers 503 provider_unavailable quickly while the only circuit is open', () => {
    const { router, clock } = setup();
    const req = textRequest({ model: 'claude-haiku-4.5' });
    const haiku = router.route(req).candidates[0]!;
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(haiku, retryable);
    clock.advance(10_000);
    assert.throws(
      () => router.route(req),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 503);
        assert.equal(error.code, 'provider_unavailable');
        assert.match(error.message, /circuit is open/);
        assert.equal(error.retryAfterSeconds, 20);
        return true;
      },
    );
    clock.advance(20_000);
    assert.deepEqual(models(router.route(req)), ['claude-haiku-4.5']);
  });
});

describe('Router and embedding models', () => {
  it('never hands an embedding model to "auto", though text-embedding-3-small is the cheapest model of all', () => {
    const { router } = setup();
    for (const mode of ['cost', 'latency', 'reliability'] as const) {
      const decision = router.route(textRequest(), mode);
      const seen = [...decision.scored.map((s) => s.candidate.model), ...decision.excluded.map((e) => e.model)];
      assert.ok(
        seen.every((m) => m.kind !== 'embedding'),
        `${mode}: ${seen.map((m) => m.id).join(', ')}`,
      );
    }
  });

  it('answers a chat request naming an embedding model with a 400 naming `model`', () => {
    const { router } = setup();
    assert.throws(() => router.route(textRequest({ model: 'text-embedding-3-small' })), {
      status: 400,
      param: 'model',
      message: /is an embedding model/,
    });
    assert.throws(() => router.preview(textRequest({ model: 'gemini-embedding-001' })), { status: 400, param: 'model' });
  });

  it('routes an embedding model to its own deployments, and refuses "auto", a chat model or an unknown id with 400s naming `model`', () => {
    const { router } = setup();
    const decision = router.routeEmbedding('gemini-embedding-001');
    assert.equal(decision.mode, 'explicit');
    assert.deepEqual(
      decision.candidates.map((c) => `${c.deployment.provider}/${c.deployment.model}`),
      ['google/gemini-embedding-001'],
    );
    assert.equal(router.embeddingModel('mistral-embed').dimensions, 1024);
    for (const id of ['auto', 'gpt-4o-mini', 'nope']) {
      assert.throws(() => router.routeEmbedding(id), { status: 400, param: 'model' }, id);
      assert.throws(() => router.embeddingModel(id), { status: 400, param: 'model' }, id);
    }
  });

  it('skips an embedding deployment whose circuit is open, and uses the account’s own provider key', () => {
    const { router } = setup();
    const [only] = router.routeEmbedding('text-embedding-3-small').candidates;
    assert.ok(only !== undefined);
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(only, retryable);
    assert.throws(() => router.routeEmbedding('text-embedding-3-small'), { status: 503, code: 'provider_unavailable' });
    const byok = router.routeEmbedding('mistral-embed', { providerKeys: new Map([['mistral', 'sk-own']]) }).candidates[0];
    assert.deepEqual([byok?.providerConfig.apiKey, byok?.byok], ['sk-own', true]);
  });
});
