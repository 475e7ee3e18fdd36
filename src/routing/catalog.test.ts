import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig } from '../config/types.js';
import { Catalog } from './catalog.js';

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
    assert.deepEqual(catalog.candidatesFor('m').map((c) => c.deployment.model), ['m-b']);
  });

  it('answers 503 provider_unavailable when no deployment has a key', () => {
    const catalog = new Catalog([model], { a: { id: 'a', format: 'openai', baseUrl: 'http://a' }, b: { id: 'b', format: 'openai', baseUrl: 'http://b' } });
    assert.throws(() => catalog.candidatesFor('m'), { status: 503, code: 'provider_unavailable' });
  });

  it('answers 400 invalid_request naming `model` for an unknown id', () => {
    const catalog = new Catalog([model], {});
    assert.throws(() => catalog.candidatesFor('nope'), { status: 400, code: 'invalid_request', param: 'model' });
  });
});
