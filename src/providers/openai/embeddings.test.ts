/**
 * OpenAI-format embeddings. The fixtures have the shapes of OpenAI's and Mistral's documented answers
 * (https://platform.openai.com/docs/api-reference/embeddings/object, https://docs.mistral.ai/api/endpoint/embeddings);
 * the base64 one carries the float one's values as little-endian float32.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EmbeddingCall } from '../../core/embedding-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { fromOpenAIEmbeddingsResponse, toOpenAIEmbeddingsRequest } from './embeddings.js';
import { openAIAdapter } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const target = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test', upstreamModel: 'text-embedding-3-small' };

function call(overrides: Partial<EmbeddingCall> = {}): EmbeddingCall {
  return {
    model: 'text-embedding-3-small',
    input: { kind: 'text', texts: ['The food was delicious', 'and the waiter…'] },
    dimensions: 4,
    user: 'end-user-1',
    upstream: { dimensions: true, base64: true, user: true },
    ...overrides,
  };
}

const malformed = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof GatewayError);
  assert.deepEqual([error.status, error.code, error.retryable, error.upstream], [502, 'provider_error', true, true]);
  assert.match(error.message, pattern);
  return true;
};

describe('toOpenAIEmbeddingsRequest', () => {
  it('asks for base64, the dimensions and forwards user, under the upstream model name', () => {
    const { request } = toOpenAIEmbeddingsRequest(call(), target);
    assert.equal(request.path, '/embeddings');
    assert.deepEqual(request.headers, { authorization: 'Bearer sk-test', 'content-type': 'application/json' });
    assert.deepEqual(request.body, {
      model: 'text-embedding-3-small',
      input: ['The food was delicious', 'and the waiter…'],
      encoding_format: 'base64',
      dimensions: 4,
      user: 'end-user-1',
    });
  });

  it('passes token arrays through, and leaves user out when the client sent none', () => {
    const { request } = toOpenAIEmbeddingsRequest(call({ input: { kind: 'tokens', tokens: [[1212, 318], [257]] }, user: undefined }), target);
    assert.deepEqual(request.body.input, [[1212, 318], [257]]);
    assert.equal('user' in request.body, false);
  });

  it('sends a strict upstream (Mistral) only model and input', () => {
    const mistral = call({ dimensions: 1024, upstream: { dimensions: false, base64: false, user: false } });
    const { request } = toOpenAIEmbeddingsRequest(mistral, { ...target, baseUrl: 'https://api.mistral.ai/v1', upstreamModel: 'mistral-embed' });
    assert.deepEqual(request.body, { model: 'mistral-embed', input: ['The food was delicious', 'and the waiter…'] });
  });
});

describe('fromOpenAIEmbeddingsResponse', () => {
  it('reads float and base64 answers to the same float32 vectors, with usage', () => {
    const floats = fromOpenAIEmbeddingsResponse(fixture('openai-embedding-float.json'), call());
    const base64 = fromOpenAIEmbeddingsResponse(fixture('openai-embedding-base64.json'), call());
    assert.deepEqual(base64, floats);
    assert.deepEqual(floats.data[0], new Float32Array([0.0123897, -0.0198457, 0.035612, -0.0007341]));
    assert.deepEqual([floats.model, floats.usage], ['text-embedding-3-small', { prompt_tokens: 9 }]);
  });

  it("reads Mistral's answer (floats, completion_tokens in usage)", () => {
    const answer = fromOpenAIEmbeddingsResponse(
      fixture('mistral-embedding.json'),
      call({ model: 'mistral-embed', input: { kind: 'text', texts: ['x'] } }),
    );
    assert.equal(answer.data.length, 1);
    assert.deepEqual(answer.usage, { prompt_tokens: 6 });
  });

  it('places vectors by index, and reports no usage when the upstream sent none', () => {
    const body = fixture('openai-embedding-float.json') as { data: unknown[]; usage?: unknown };
    body.data.reverse();
    delete body.usage;
    const answer = fromOpenAIEmbeddingsResponse(body, call());
    assert.deepEqual(answer.data[1], new Float32Array([-0.0412553, 0.0051294, -0.0120388, 0.0276641]));
    assert.equal('usage' in answer, false);
  });

  it('refuses what was not asked for with a 502 that may fail over', () => {
    const good = () => fixture('openai-embedding-base64.json') as { data: Array<Record<string, unknown>> };
    assert.throws(() => fromOpenAIEmbeddingsResponse({ object: 'list' }, call()), malformed(/no data list/));
    assert.throws(
      () => fromOpenAIEmbeddingsResponse(good(), call({ input: { kind: 'text', texts: ['one'] } })),
      malformed(/2 embeddings for 1 inputs/),
    );
    const repeated = good();
    if (repeated.data[1]) repeated.data[1].index = 0;
    assert.throws(() => fromOpenAIEmbeddingsResponse(repeated, call()), malformed(/missing or repeated index/));
    const garbled = good();
    if (garbled.data[0]) garbled.data[0].embedding = 'not base64!';
    assert.throws(() => fromOpenAIEmbeddingsResponse(garbled, call()), malformed(/neither base64 float32 nor numbers/));
    assert.throws(() => fromOpenAIEmbeddingsResponse(good(), call({ dimensions: 8 })), malformed(/4 dimensions where 8 were asked for/));
  });

  it("maps the upstream's errors through the adapter's toGatewayError", () => {
    const body = JSON.stringify(fixture('openai-embedding-max-tokens-error.json'));
    const error = openAIAdapter.toGatewayError(400, {}, body);
    assert.deepEqual([error.status, error.code, error.retryable], [400, 'invalid_request', false]);
    assert.match(error.message, /max 300000 tokens per request/);
    assert.equal(openAIAdapter.embeddings?.maxInputsPerCall, 2048);
  });
});
