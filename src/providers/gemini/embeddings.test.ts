/**
 * Gemini `batchEmbedContents`. `gemini-batch-embed.json` has the documented answer's shape (no token counts, as
 * gemini-embedding-001 answers); the limit error is Google's own wording for a 101-request batch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EmbeddingCall } from '../../core/embedding-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { fromGeminiEmbeddingsResponse, toGeminiEmbeddingsRequest } from './embeddings.js';
import { geminiAdapter } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const target = { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'AIza-test', upstreamModel: 'gemini-embedding-001' };

function call(overrides: Partial<EmbeddingCall> = {}): EmbeddingCall {
  return {
    model: 'gemini-embedding-001',
    input: { kind: 'text', texts: ['What is the meaning of life?', 'How do I bake a cake?'] },
    dimensions: 4,
    user: 'ignored',
    upstream: { dimensions: true, base64: true, user: true },
    ...overrides,
  };
}

describe('toGeminiEmbeddingsRequest', () => {
  it('sends one EmbedContentRequest per input to batchEmbedContents, with outputDimensionality', () => {
    const { request } = toGeminiEmbeddingsRequest(call(), { ...target, upstreamModel: 'models/gemini-embedding-001' });
    assert.equal(request.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    assert.deepEqual(request.headers, { 'x-goog-api-key': 'AIza-test', 'content-type': 'application/json' });
    assert.deepEqual(request.body, {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'What is the meaning of life?' }] }, outputDimensionality: 4 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'How do I bake a cake?' }] }, outputDimensionality: 4 },
      ],
    });
  });

  it('leaves outputDimensionality out for a fixed-size model, and refuses token ids', () => {
    const { request } = toGeminiEmbeddingsRequest(call({ upstream: { dimensions: false, base64: true, user: true } }), target);
    assert.equal(JSON.stringify(request.body).includes('outputDimensionality'), false);
    assert.throws(() => toGeminiEmbeddingsRequest(call({ input: { kind: 'tokens', tokens: [[1]] } }), target), { status: 400, param: 'input' });
  });
});

describe('fromGeminiEmbeddingsResponse', () => {
  it('scales cut vectors to unit length, in order, and reports no usage (Gemini counts none)', () => {
    const answer = fromGeminiEmbeddingsResponse(fixture('gemini-batch-embed.json'), call());
    assert.deepEqual(
      Array.from(answer.data[0] ?? []),
      [0.3, -0.4, 0, 0.5].map((v) => Math.fround(v / Math.sqrt(0.5))),
    );
    for (const vector of answer.data) assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-6);
    assert.equal(answer.model, 'gemini-embedding-001');
    assert.equal('usage' in answer, false);
  });

  it('keeps a usageMetadata prompt count when the model sends one', () => {
    const body = { ...(fixture('gemini-batch-embed.json') as object), usageMetadata: { promptTokenCount: 12 } };
    assert.deepEqual(fromGeminiEmbeddingsResponse(body, call()).usage, { prompt_tokens: 12 });
  });

  it('refuses a wrong count, length or value with a 502 that may fail over', () => {
    const refused = (error: unknown) => error instanceof GatewayError && error.status === 502 && error.upstream && error.retryable;
    assert.throws(() => fromGeminiEmbeddingsResponse({}, call()), refused);
    assert.throws(
      () => fromGeminiEmbeddingsResponse(fixture('gemini-batch-embed.json'), call({ input: { kind: 'text', texts: ['a', 'b', 'c'] } })),
      /2 embeddings for 3 inputs/,
    );
    assert.throws(
      () => fromGeminiEmbeddingsResponse(fixture('gemini-batch-embed.json'), call({ dimensions: 3 })),
      /4 dimensions where 3 were asked for/,
    );
    assert.throws(() => fromGeminiEmbeddingsResponse({ embeddings: [{ values: [1, 'x'] }, { values: [1] }] }, call()), /no numeric values/);
  });

  it("maps Google's batch-limit error to a 400 with its message", () => {
    const error = geminiAdapter.toGatewayError(400, {}, JSON.stringify(fixture('gemini-batch-embed-limit-error.json')));
    assert.deepEqual([error.status, error.code, error.retryable], [400, 'invalid_request', false]);
    assert.match(error.message, /at most 100 requests can be in one batch/);
    assert.equal(geminiAdapter.embeddings?.maxInputsPerCall, 100);
  });
});
