/**
 * The router with OpenRouter's request controls: a `models` fallback list (with `model`, aliases, the attempt budget,
 * capability checks) and `provider` preferences (order, only, ignore, allow_fallbacks, sort, max_price,
 * require_parameters), alone and over an API key's defaults. A small catalog with one model on three OpenAI-format
 * providers makes the per-deployment effects visible.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig, ProviderConfig } from '../config/types.js';
import type { ChatCompletionRequest, ProviderPreferences } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { Catalog } from './catalog.js';
import { BREAKER_DEFAULTS, InMemoryCircuitBreakers } from './circuit-breaker.js';
import { deploymentKey, InMemoryHealthStore } from './health.js';
import { Router, type RouteDecision, type RouteOptions } from './router.js';
import { manualClock, seededRandom } from './strategies/strategy.contract.test.js';

const provider = (id: string, format: ProviderConfig['format'], apiKey = `key-${id}`): ProviderConfig => ({
  id,
  format,
  baseUrl: `http://${id}.test`,
  apiKey,
});

const PROVIDERS: Record<string, ProviderConfig> = {
  openai: provider('openai', 'openai'),
  groq: provider('groq', 'openai'),
  deepinfra: provider('deepinfra', 'openai'),
  anthropic: provider('anthropic', 'anthropic'),
  google: provider('google', 'gemini'),
  idle: provider('idle', 'openai', ''),
};

function chat(id: string, price: [number, number], deployments: Array<[string, string]>, caps = { vision: true, tools: true }): ModelConfig {
  return {
    id,
    owned_by: 'test',
    created: 0,
    context_length: 100_000,
    max_output_tokens: 8_000,
    pricing: { input_per_million: price[0], output_per_million: price[1] },
    capabilities: caps,
    deployments: deployments.map(([p, model]) => ({ provider: p, model })),
  };
}

const MODELS: ModelConfig[] = [
  chat(
    'alpha',
    [1, 2],
    [
      ['openai', 'alpha-o'],
      ['groq', 'alpha-g'],
      ['deepinfra', 'alpha-d'],
    ],
  ),
  chat(
    'beta',
    [3, 15],
    [
      ['anthropic', 'beta-a'],
      ['openai', 'beta-o'],
    ],
  ),
  chat('gamma', [0.1, 0.4], [['google', 'gamma-g']], { vision: true, tools: false }),
  chat('delta', [0.5, 1], [['groq', 'delta-g']], { vision: false, tools: true }),
  chat('pricey', [20, 80], [['anthropic', 'pricey-a']]),
  chat('idle-model', [0.2, 0.2], [['idle', 'idle-x']]),
  {
    id: 'embed',
    kind: 'embedding',
    owned_by: 'test',
    created: 0,
    context_length: 8192,
    max_output_tokens: 0,
    pricing: { input_per_million: 0.02, output_per_million: 0 },
    capabilities: { vision: false, tools: false },
    deployments: [{ provider: 'openai', model: 'embed-o' }],
    dimensions: 8,
    max_input_tokens: 8192,
    upstream_base64: true,
    upstream_user: true,
  },
];

function setup() {
  const clock = manualClock();
  const health = new InMemoryHealthStore({ now: clock.now });
  const breakers = new InMemoryCircuitBreakers({ now: clock.now });
  const catalog = new Catalog(MODELS, PROVIDERS, new Set(), { a: 'alpha' });
  const router = new Router({ catalog, health, breakers, now: clock.now, random: seededRandom(7), explorationShare: 0 });
  return { router, health, breakers };
}

function request(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: 'alpha', messages: [{ role: 'user', content: 'hello' }], ...extra };
}

const keys = (decision: RouteDecision): string[] => decision.candidates.map((c) => deploymentKey(c.deployment));
const excludedAs = (decision: RouteDecision, reason: string): string[] =>
  decision.excluded.filter((e) => e.reason === reason).map((e) => deploymentKey(e.deployment));

function route(req: ChatCompletionRequest, options: RouteOptions = {}): RouteDecision {
  return setup().router.route(req, undefined, options);
}

/** Asserts `run` throws a GatewayError of `status` naming `param`, and returns its message. */
function refused(run: () => unknown, status: number, param: string | null): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.param, param);
    return error.message;
  }
  assert.fail(`expected a ${status} naming ${param}`);
}

describe('Router: the models list', () => {
  it('tries `model` first, then `models` in order, deployments in configured order, one attempt more per extra model', () => {
    const decision = route(request({ model: 'gamma', models: ['gamma', 'alpha', 'beta'] }));
    assert.equal(decision.mode, 'explicit');
    assert.deepEqual(keys(decision), ['google/gamma-g', 'openai/alpha-o', 'groq/alpha-g', 'deepinfra/alpha-d', 'anthropic/beta-a']);
    assert.equal(decision.scored.length, 6, 'every deployment is ranked; the attempt budget is 3 + 2');
  });

  it('resolves aliases and drops repeats', () => {
    assert.deepEqual(keys(route(request({ model: 'alpha', models: ['a', 'delta'] }))), [
      'openai/alpha-o',
      'groq/alpha-g',
      'deepinfra/alpha-d',
      'groq/delta-g',
    ]);
  });

  it('leaves out a listed model that cannot serve the request, as auto would', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const decision = route(request({ model: 'gamma', models: ['delta'], tools }));
    assert.deepEqual(keys(decision), ['groq/delta-g']);
    assert.deepEqual(excludedAs(decision, 'tools'), ['google/gamma-g']);
    const image = { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA==' } }] };
    const message = refused(() => route(request({ model: 'delta', models: ['delta', 'delta'], messages: [image] })), 400, 'messages');
    assert.match(message, /image input/);
    const none = refused(() => route(request({ model: 'delta', models: ['delta', 'gamma'], messages: [image], tools })), 400, 'messages');
    assert.match(none, /No model supports vision and tools/);
  });

  it('refuses `models` with `model: "auto"`, and unknown, "auto" or embedding entries, naming `models`', () => {
    assert.match(
      refused(() => route(request({ model: 'auto', models: ['alpha'] })), 400, 'models'),
      /Pick one/,
    );
    assert.match(
      refused(() => route(request({ models: ['alpha', 'nope'] })), 400, 'models'),
      /`models\[1\]` \(`nope`\) does not exist/,
    );
    refused(() => route(request({ models: ['auto'] })), 400, 'models');
    assert.match(
      refused(() => route(request({ models: ['embed'] })), 400, 'models'),
      /embedding model/,
    );
    refused(() => route(request({ model: 'nope', models: ['alpha'] })), 400, 'model');
  });

  it('answers 503 when no listed model has a configured provider, and skips one that has none', () => {
    assert.match(
      refused(() => route(request({ model: 'idle-model', models: ['idle-model'], provider: { sort: 'price' } })), 503, null),
      /idle/,
    );
    const decision = route(request({ model: 'idle-model', models: ['delta'] }));
    assert.deepEqual(keys(decision), ['groq/delta-g']);
    assert.deepEqual(excludedAs(decision, 'provider_unconfigured'), ['idle/idle-x']);
  });

  it('skips deployments with an open circuit and answers 503 when every one is open', () => {
    const { router } = setup();
    const gamma = router.route(request({ model: 'gamma' })).candidates[0]!;
    for (let i = 0; i < BREAKER_DEFAULTS.failureThreshold; i++) router.report(gamma, { ok: false, retryable: true });
    assert.deepEqual(keys(router.route(request({ model: 'gamma', models: ['delta'] }))), ['groq/delta-g']);
    refused(() => router.route(request({ model: 'gamma', provider: { sort: 'price' } })), 503, null);
  });
});

describe('Router: provider preferences on a named model', () => {
  it('order puts the listed providers first; the rest follow unless fallbacks are off', () => {
    assert.deepEqual(keys(route(request({ provider: { order: ['deepinfra', 'groq'] } }))), ['deepinfra/alpha-d', 'groq/alpha-g', 'openai/alpha-o']);
    const strict = route(request({ provider: { order: ['deepinfra', 'groq'], allow_fallbacks: false } }));
    assert.deepEqual(keys(strict), ['deepinfra/alpha-d', 'groq/alpha-g']);
    assert.deepEqual(excludedAs(strict, 'fallbacks_disallowed'), ['openai/alpha-o']);
  });

  it('allow_fallbacks false without order keeps the first choice only (per listed model)', () => {
    const decision = route(request({ provider: { allow_fallbacks: false } }));
    assert.deepEqual(keys(decision), ['openai/alpha-o']);
    assert.equal(decision.scored.length, 3);
    assert.deepEqual(keys(route(request({ models: ['beta'], provider: { allow_fallbacks: false } }))), ['openai/alpha-o', 'anthropic/beta-a']);
  });

  it('only and ignore filter providers, recorded with their reason', () => {
    const only = route(request({ provider: { only: ['groq'] } }));
    assert.deepEqual(keys(only), ['groq/alpha-g']);
    assert.deepEqual(excludedAs(only, 'provider_not_allowed'), ['openai/alpha-o', 'deepinfra/alpha-d']);
    const ignore = route(request({ provider: { ignore: ['OpenAI'] } }));
    assert.deepEqual(keys(ignore), ['groq/alpha-g', 'deepinfra/alpha-d']);
    assert.deepEqual(excludedAs(ignore, 'provider_ignored'), ['openai/alpha-o']);
  });

  it('answers 400 naming the preference that leaves nothing', () => {
    assert.match(
      refused(() => route(request({ provider: { only: ['anthropic'] } })), 400, 'provider.only'),
      /served by: openai, groq, deepinfra/,
    );
    refused(() => route(request({ provider: { ignore: ['openai', 'groq', 'deepinfra'] } })), 400, 'provider.ignore');
    refused(() => route(request({ provider: { order: ['google'], allow_fallbacks: false } })), 400, 'provider.order');
    assert.match(
      refused(() => route(request({ provider: { order: ['nope'] } })), 400, 'provider.order'),
      /Unknown provider `nope`/,
    );
    refused(() => route(request({ provider: { max_price: { prompt: -0.5 } } })), 400, 'provider.max_price.prompt');
  });

  it('sort throughput ranks each model by learned output rate; partition "none" ranks across models', () => {
    const { router, health } = setup();
    health.recordSuccess('groq/alpha-g', { ttftMs: 100, totalMs: 1100, outputTokens: 1001 });
    health.recordSuccess('deepinfra/alpha-d', { ttftMs: 100, totalMs: 10_100, outputTokens: 1001 });
    health.recordSuccess('openai/beta-o', { ttftMs: 50, totalMs: 150, outputTokens: 1001 });
    const sorted = router.route(request({ provider: { sort: 'throughput' } }));
    assert.equal(sorted.mode, 'explicit');
    assert.deepEqual(keys(sorted), ['groq/alpha-g', 'deepinfra/alpha-d', 'openai/alpha-o']);
    assert.ok(typeof sorted.scored[0]?.details.tokens_per_second === 'number');
    const byModel = router.route(request({ models: ['beta'], provider: { sort: 'throughput' } }));
    assert.deepEqual(keys(byModel).slice(0, 2), ['groq/alpha-g', 'deepinfra/alpha-d']);
    const across = router.route(request({ models: ['beta'], provider: { sort: { by: 'throughput', partition: 'none' } } }));
    assert.equal(keys(across)[0], 'openai/beta-o');
  });

  it('max_price leaves out deployments priced above it, and refuses when none is at or below it', () => {
    const decision = route(request({ models: ['beta', 'gamma'], provider: { max_price: { prompt: 2, completion: '4' } } }));
    assert.deepEqual(keys(decision), ['openai/alpha-o', 'groq/alpha-g', 'deepinfra/alpha-d', 'google/gamma-g']);
    assert.deepEqual(excludedAs(decision, 'max_price'), ['anthropic/beta-a', 'openai/beta-o']);
    const message = refused(() => route(request({ model: 'beta', provider: { max_price: { completion: 10 } } })), 400, 'provider.max_price');
    assert.match(message, /at or below `provider.max_price` \(prompt any, completion \$10 per million tokens\); the cheapest is beta/);
  });

  it('require_parameters keeps only deployments whose translation drops nothing the request sets', () => {
    const seeded = route(request({ model: 'beta', seed: 7, provider: { require_parameters: true } }));
    assert.deepEqual(keys(seeded), ['openai/beta-o']);
    assert.deepEqual(
      seeded.excluded.map((e) => [e.reason, e.detail]),
      [['unsupported_parameters', 'seed']],
    );
    assert.deepEqual(keys(route(request({ model: 'beta', seed: 7 }))), ['anthropic/beta-a', 'openai/beta-o'], 'not asked: both');
    assert.deepEqual(keys(route(request({ model: 'beta', n: 2, provider: { require_parameters: true } }))), ['anthropic/beta-a', 'openai/beta-o']);
    const message = refused(
      () => route(request({ model: 'pricey', seed: 7, provider: { require_parameters: true } })),
      400,
      'provider.require_parameters',
    );
    assert.match(message, /anthropic\/pricey-a would drop seed/);
  });
});

describe('Router: provider preferences with model "auto"', () => {
  const auto = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => request({ model: 'auto', ...extra });

  it('sort wins over the routing mode for the request', () => {
    const decision = route(auto({ routing: 'latency', provider: { sort: 'price' } }));
    assert.equal(decision.mode, 'cost');
    assert.deepEqual(keys(decision).slice(0, 2), ['google/gamma-g', 'groq/delta-g']);
    assert.equal(route(auto({ provider: { sort: 'throughput' } })).mode, 'throughput');
  });

  it('filters, orders and limits the ranked deployments', () => {
    const cheap = route(auto({ provider: { max_price: { prompt: 0.6 } } }));
    assert.deepEqual(keys(cheap), ['google/gamma-g', 'groq/delta-g']);
    assert.ok(excludedAs(cheap, 'max_price').includes('anthropic/pricey-a'));
    assert.match(
      refused(() => route(auto({ provider: { max_price: { prompt: 0.01 } } })), 400, 'provider.max_price'),
      /the cheapest is gamma/,
    );
    assert.equal(keys(route(auto({ provider: { order: ['anthropic'] } })))[0], 'anthropic/beta-a');
    assert.deepEqual(keys(route(auto({ provider: { allow_fallbacks: false } }))), ['google/gamma-g']);
    // With auto, attempts still take one deployment per provider first, in `order`'s order.
    assert.deepEqual(keys(route(auto({ provider: { order: ['groq', 'deepinfra'], allow_fallbacks: false } }))), [
      'groq/delta-g',
      'deepinfra/alpha-d',
      'groq/alpha-g',
    ]);
    const logitBias = route(auto({ logit_bias: { '1': 5 }, provider: { require_parameters: true } }));
    assert.ok(keys(logitBias).every((key) => !key.startsWith('anthropic/') && !key.startsWith('google/')));
  });
});

describe("Router: the API key's default provider preferences", () => {
  const defaults: ProviderPreferences = { ignore: ['openai'], only: ['groq', 'deepinfra', 'openai'] };

  it('apply when the request sets nothing, and the request wins field by field', () => {
    assert.deepEqual(keys(route(request(), { providerDefaults: defaults })), ['groq/alpha-g', 'deepinfra/alpha-d']);
    assert.deepEqual(keys(route(request({ provider: { ignore: [] } }), { providerDefaults: defaults })), [
      'openai/alpha-o',
      'groq/alpha-g',
      'deepinfra/alpha-d',
    ]);
  });

  it('say so when a key default leaves nothing', () => {
    const message = refused(() => route(request({ model: 'gamma' }), { providerDefaults: { only: ['groq'] } }), 400, 'provider.only');
    assert.match(message, /this API key's default/);
  });
});
