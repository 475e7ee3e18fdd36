import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EmbeddingModelConfig, ModelConfig } from '../config/types.js';
import { Catalog, requireChatModel, requireEmbeddingModel } from './catalog.js';

const model: ModelConfig = {
  id: 'm',
  owned_by: 'x',
  created: 0,
  context_length: 1000,
  max_output_tokens: 100,
  pricing: { input_per_million: 1, output_per_million: 2 },
  capabilities: { vision: false, tools: true },
  deployments: [
    { provider: 'a', model: 'm-a' },
    { provider: 'b', model: 'm-b' },
  ],
};

describe('Catalog.candidatesFor', () => {
  it('keeps configured order and skips providers without a key', () => {
    const catalog = new Catalog([model], {
      a: { id: 'a', format: 'openai', baseUrl: 'http://a' },
      b: { id: 'b', format: 'anthropic', baseUrl: 'http://b', apiKey: 'k' },
    });
    assert.deepEqual(
      catalog.candidatesFor('m').map((c) => c.deployment.model),
      ['m-b'],
    );
  });

  it('answers 503 provider_unavailable when no deployment has a key', () => {
    const catalog = new Catalog([model], {
      a: { id: 'a', format: 'openai', baseUrl: 'http://a' },
      b: { id: 'b', format: 'openai', baseUrl: 'http://b' },
    });
    assert.throws(() => catalog.candidatesFor('m'), { status: 503, code: 'provider_unavailable' });
  });

  it('answers 400 invalid_request naming `model` for an unknown id', () => {
    const catalog = new Catalog([model], {});
    assert.throws(() => catalog.candidatesFor('nope'), { status: 400, code: 'invalid_request', param: 'model' });
  });
});

describe('Catalog aliases', () => {
  const providers = {
    a: { id: 'a', format: 'openai', baseUrl: 'http://a', apiKey: 'k' },
    b: { id: 'b', format: 'anthropic', baseUrl: 'http://b' },
  } as const;

  it('resolves an alias to its model, for lookups and candidates alike, and keeps them under BYOK', () => {
    const catalog = new Catalog([model], providers, new Set(), { 'm-latest': 'm' });
    assert.equal(catalog.get('m-latest'), model);
    assert.deepEqual(
      catalog.candidatesFor('m-latest').map((c) => [c.model.id, c.deployment.model]),
      [['m', 'm-a']],
    );
    const byok = catalog.withProviderKeys(new Map([['b', 'own']]));
    assert.deepEqual(
      byok.candidatesFor('m-latest').map((c) => [c.deployment.model, c.byok === true]),
      [
        ['m-a', false],
        ['m-b', true],
      ],
    );
  });

  it('does not answer to a name it was not given', () => {
    const catalog = new Catalog([model], providers);
    assert.equal(catalog.get('m-latest'), undefined);
    assert.throws(() => catalog.candidatesFor('m-latest'), { status: 400, param: 'model' });
  });

  it('reports the wire formats of every deployment, callable or not', () => {
    const catalog = new Catalog([model], providers);
    assert.deepEqual([...catalog.wireFormatsOf(model)].sort(), ['anthropic', 'openai']);
  });
});

const embedder: EmbeddingModelConfig = {
  id: 'e',
  kind: 'embedding',
  owned_by: 'x',
  created: 0,
  context_length: 8192,
  max_output_tokens: 0,
  pricing: { input_per_million: 0.01, output_per_million: 0 },
  capabilities: { vision: false, tools: false },
  deployments: [{ provider: 'a', model: 'e-a' }],
  dimensions: 16,
  max_input_tokens: 8192,
  upstream_base64: true,
  upstream_user: true,
};

describe('Catalog and model kinds', () => {
  it('keeps embedding models out of the chat models and of the context and output limits', () => {
    const catalog = new Catalog([model, embedder], { a: { id: 'a', format: 'openai', baseUrl: 'http://a', apiKey: 'k' } });
    assert.deepEqual(
      catalog.chatModels.map((m) => m.id),
      ['m'],
    );
    assert.deepEqual([catalog.smallestContext, catalog.largestContext, catalog.largestOutput], [1000, 1000, 100]);
    assert.deepEqual(
      catalog.candidatesFor('e').map((c) => c.deployment.model),
      ['e-a'],
      'an embedding model is still callable by name',
    );
  });

  it('requireChatModel refuses an embedding model with a 400 naming `model`', () => {
    assert.equal(requireChatModel(model), model);
    assert.throws(
      () => requireChatModel(embedder),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /`e` is an embedding model: use it with POST \/v1\/embeddings/);
        return true;
      },
    );
    assert.throws(() => requireChatModel(embedder), { status: 400, code: 'invalid_request', param: 'model' });
  });

  it('requireEmbeddingModel refuses an unknown id, "auto" and a chat model, each with a 400 naming `model`', () => {
    assert.equal(requireEmbeddingModel(embedder, 'e'), embedder);
    const refused = { status: 400, code: 'invalid_request', param: 'model' };
    assert.throws(() => requireEmbeddingModel(undefined, 'nope'), { ...refused, message: /`nope` does not exist/ });
    assert.throws(() => requireEmbeddingModel(undefined, 'auto'), { ...refused, message: /vectors of different models are not comparable/ });
    assert.throws(() => requireEmbeddingModel(model, 'm'), { ...refused, message: /`m` is a chat model/ });
  });
});
