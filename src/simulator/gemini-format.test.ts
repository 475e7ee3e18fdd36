import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulator, type Simulator } from './index.js';
import { arr, obj, parseSse, post, PROVIDER_HEADERS, readFixtureChunks, readFixtureJson } from './test-helpers.js';

const headers = PROVIDER_HEADERS.gemini;
const model = 'gemini-2.5-flash';
let sim: Simulator;
let base: string;

before(async () => {
  sim = await startSimulator({ defaults: { outputTokens: 8 } });
  base = `${sim.url}/google/v1beta/models/${model}`;
});
after(() => sim.close());
beforeEach(() => sim.resetKnobs());

const request = {
  systemInstruction: { parts: [{ text: 'Be brief.' }] }, // 9 chars → 3 + 3
  contents: [{ role: 'user', parts: [{ text: 'one two three' }] }], // 13 chars → 4 + 3
};
const promptTokens = 3 + 3 + 4 + 3;

function candidate(body: unknown): Record<string, unknown> {
  return obj(arr(obj(body).candidates)[0]);
}

function candidateText(body: unknown): string {
  return arr(obj(candidate(body).content).parts)
    .map((part) => String(obj(part).text))
    .join('');
}

describe('Gemini format, non-streaming', () => {
  it('answers a GenerateContentResponse with the recorded shape and usage', async () => {
    const response = await post(`${base}:generateContent`, headers, request);
    assert.equal(response.status, 200);
    const body = obj(await response.json());
    for (const key of Object.keys(obj(readFixtureJson('google-text.json')))) assert.ok(key in body, key);
    assert.equal(body.modelVersion, model);
    assert.match(String(body.responseId), /^[A-Za-z0-9]{23}$/);
    assert.equal(candidateText(body), `Simulated reply from ${model}: one two three one`);
    assert.equal(obj(candidate(body).content).role, 'model');
    assert.equal(candidate(body).finishReason, 'STOP');
    assert.deepEqual(obj(body.usageMetadata), {
      promptTokenCount: promptTokens,
      candidatesTokenCount: 8,
      totalTokenCount: promptTokens + 8,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    });
  });

  it('honours maxOutputTokens (MAX_TOKENS) and stopSequences (STOP)', async () => {
    const cut = await post(`${base}:generateContent`, headers, { ...request, generationConfig: { maxOutputTokens: 3 } });
    const cutBody = await cut.json();
    assert.equal(candidate(cutBody).finishReason, 'MAX_TOKENS');
    assert.equal(candidateText(cutBody), 'Simulated reply from');
    const stopped = await post(`${base}:generateContent`, headers, { ...request, generationConfig: { stopSequences: ['two'] } });
    const stoppedBody = await stopped.json();
    assert.equal(candidate(stoppedBody).finishReason, 'STOP');
    assert.equal(candidateText(stoppedBody), `Simulated reply from ${model}: one `);
  });

  it('needs an API key in x-goog-api-key or ?key=', async () => {
    const missing = await post(`${base}:generateContent`, {}, request);
    assert.equal(missing.status, 403);
    assert.equal(obj(obj(await missing.json()).error).status, 'PERMISSION_DENIED');
    const viaQuery = await post(`${base}:generateContent?key=abc`, {}, request);
    assert.equal(viaQuery.status, 200);
  });

  it('answers bad bodies with 400 INVALID_ARGUMENT', async () => {
    for (const body of ['{', { contents: [] }, { ...request, generationConfig: { maxOutputTokens: 0 } }]) {
      const response = await post(`${base}:generateContent`, headers, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = obj(obj(await response.json()).error);
      assert.equal(error.code, 400);
      assert.equal(error.status, 'INVALID_ARGUMENT');
    }
  });

  it('injects 429 RESOURCE_EXHAUSTED with RetryInfo and retry-after', async () => {
    sim.setKnobs(model, { errorRate: 1, errorStatus: 429 });
    const response = await post(`${base}:generateContent`, headers, request);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    const error = obj(obj(await response.json()).error);
    const recorded = obj(obj(readFixtureJson('google-429-retry-info.json')).error);
    assert.deepEqual(Object.keys(error).sort(), Object.keys(recorded).sort());
    assert.equal(error.status, 'RESOURCE_EXHAUSTED');
    assert.equal(obj(arr(error.details)[0]).retryDelay, '1s');
  });
});

describe('Gemini format, streaming', () => {
  it('streams CRLF-framed chunks of new text with cumulative usage, the last with finishReason', async () => {
    const response = await post(`${base}:streamGenerateContent?alt=sse`, headers, request);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await response.text();
    assert.ok(text.endsWith('\r\n\r\n'));
    const chunks = parseSse(text).map((event) => obj(JSON.parse(event.data)));
    assert.equal(chunks.length, 8);
    const recordedKeys = Object.keys(obj(readFixtureChunks('google-text.chunks.txt')[0])).sort();
    for (const [index, chunk] of chunks.entries()) {
      assert.deepEqual(Object.keys(chunk).sort(), recordedKeys);
      assert.equal(obj(chunk.usageMetadata).candidatesTokenCount, index + 1);
      assert.equal(obj(chunk.usageMetadata).promptTokenCount, promptTokens);
      assert.equal(candidate(chunk).finishReason, index === 7 ? 'STOP' : undefined);
    }
    assert.equal(chunks.map(candidateText).join(''), `Simulated reply from ${model}: one two three one`);
    assert.equal(new Set(chunks.map((chunk) => chunk.responseId)).size, 1);
  });

  it('ends with MAX_TOKENS when cut', async () => {
    const response = await post(`${base}:streamGenerateContent?alt=sse`, headers, {
      ...request,
      generationConfig: { maxOutputTokens: 2 },
    });
    const chunks = parseSse(await response.text()).map((event) => JSON.parse(event.data) as unknown);
    assert.equal(chunks.length, 2);
    assert.equal(candidate(chunks[1]).finishReason, 'MAX_TOKENS');
  });

  it('streams one JSON array without alt=sse', async () => {
    const response = await post(`${base}:streamGenerateContent`, headers, request);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const chunks = arr(await response.json());
    assert.equal(chunks.length, 8);
    assert.equal(candidate(chunks[7]).finishReason, 'STOP');
  });

  it('sends a chunk then an in-stream error when midStreamError is set', async () => {
    sim.setKnobs('*', { midStreamError: true });
    const response = await post(`${base}:streamGenerateContent?alt=sse`, headers, request);
    assert.equal(response.status, 200);
    const payloads = parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
    assert.equal(payloads.length, 2);
    assert.equal(candidateText(payloads[0]), 'Simulated');
    const error = obj(payloads[1]?.error);
    assert.equal(error.code, 503);
    assert.equal(error.status, 'UNAVAILABLE');
  });
});
