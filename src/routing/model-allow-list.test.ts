/**
 * An API key's model allow-list: checked against the catalog when saved (400 naming the entry), and in the router —
 * 403 `permission_denied` for a named model outside it (as `model`, in `models`, on `/v1/embeddings`), `auto`
 * choosing only among the allowed models.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig, ProviderConfig } from '../config/types.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import { ModelPatterns } from '../core/model-patterns.js';
import { Catalog } from './catalog.js';
import { InMemoryCircuitBreakers } from './circuit-breaker.js';
import { InMemoryHealthStore } from './health.js';
import { checkAllowedModels } from './model-allow-list.js';
import { Router } from './router.js';
import { manualClock, seededRandom } from './strategies/strategy.contract.test.js';

const PROVIDERS: Record<string, ProviderConfig> = {
  openai: { id: 'openai', format: 'openai', baseUrl: 'http://openai.test', apiKey: 'k' },
  anthropic: { id: 'anthropic', format: 'anthropic', baseUrl: 'http://anthropic.test', apiKey: 'k' },
};

function chat(id: string, inputPrice: number, provider: string): ModelConfig {
  return {
    id,
    owned_by: 'test',
    created: 0,
    context_length: 100_000,
    max_output_tokens: 8_000,
    pricing: { input_per_million: inputPrice, output_per_million: inputPrice * 4 },
    capabilities: { vision: true, tools: true },
    deployments: [{ provider, model: `${id}-upstream` }],
  };
}

const MODELS: ModelConfig[] = [
  chat('cheap-mini', 0.1, 'openai'),
  chat('claude-haiku', 1, 'anthropic'),
  chat('claude-sonnet', 3, 'anthropic'),
  {
    id: 'embed-small',
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

function router(): Router {
  const clock = manualClock();
  const catalog = new Catalog(MODELS, PROVIDERS, new Set(), { haiku: 'claude-haiku' });
  return new Router({
    catalog,
    health: new InMemoryHealthStore({ now: clock.now }),
    breakers: new InMemoryCircuitBreakers({ now: clock.now }),
    now: clock.now,
    random: seededRandom(3),
    explorationShare: 0,
  });
}

const ask = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const claudeOnly = new ModelPatterns(['claude-*']);

function forbidden(run: () => unknown, param: string): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.status, 403);
    assert.equal(error.code, 'permission_denied');
    assert.equal(error.type, 'permission_error');
    assert.equal(error.param, param);
    return error.message;
  }
  assert.fail('expected a 403');
}

describe('model allow-list in the router', () => {
  it('lets "auto" choose only among the allowed models (the cheapest overall is left out)', () => {
    const open = router().route(ask({ routing: 'cost' }));
    assert.equal(open.candidates[0]?.model.id, 'cheap-mini');
    const limited = router().route(ask({ routing: 'cost' }), undefined, { allowedModels: claudeOnly });
    assert.deepEqual([...new Set(limited.candidates.map((c) => c.model.id))], ['claude-haiku', 'claude-sonnet']);
    assert.ok(limited.scored.every((s) => s.candidate.model.id.startsWith('claude-')));
  });

  it('refuses a named model outside the list with 403 naming it, and accepts one inside (by alias too)', () => {
    const message = forbidden(() => router().route(ask({ model: 'cheap-mini' }), undefined, { allowedModels: claudeOnly }), 'model');
    assert.match(message, /may not use the model `cheap-mini`; its allowed models are: claude-\*/);
    assert.equal(router().route(ask({ model: 'haiku' }), undefined, { allowedModels: claudeOnly }).candidates[0]?.model.id, 'claude-haiku');
  });

  it('refuses a fallback list naming a model outside the list', () => {
    forbidden(() => router().route(ask({ model: 'claude-haiku', models: ['cheap-mini'] }), undefined, { allowedModels: claudeOnly }), 'models');
  });

  it('refuses an embedding model outside the list, and "auto" when the list holds no chat model', () => {
    forbidden(() => router().routeEmbedding('embed-small', { allowedModels: claudeOnly }), 'model');
    const embeddingsOnly = new ModelPatterns(['embed-*']);
    assert.equal(router().routeEmbedding('embed-small', { allowedModels: embeddingsOnly }).candidates.length, 1);
    assert.match(
      forbidden(() => router().route(ask({}), undefined, { allowedModels: embeddingsOnly }), 'model'),
      /no chat model/,
    );
  });
});

describe('checkAllowedModels', () => {
  it('keeps entries that match catalog models, without repeats', () => {
    assert.deepEqual(checkAllowedModels(['claude-*', 'cheap-mini', 'claude-*'], MODELS), ['claude-*', 'cheap-mini']);
  });

  it('refuses with 400 naming the entry: one matching no catalog model, a malformed one, an empty list', () => {
    const refuse = (entries: string[]): string => {
      try {
        checkAllowedModels(entries, MODELS);
      } catch (error) {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 400);
        assert.equal(error.param, 'allowed_models');
        return error.message;
      }
      assert.fail('expected a 400');
    };
    assert.match(refuse(['claude-*', 'gpt-*']), /`allowed_models\[1\]` \("gpt-\*"\) matches no catalog model/);
    assert.match(refuse(['haiku']), /matches no catalog model/, 'an alias is not a catalog id');
    assert.match(refuse(['claude haiku']), /may hold only/);
    assert.match(refuse([]), /is empty/);
  });
});
