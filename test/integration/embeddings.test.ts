/**
 * `POST /v1/embeddings` end to end (issue 16) with real clients, on the test gateway and its simulator: the official
 * `openai` SDK (base64 by default, which it decodes; explicit float; single and batch input; `dimensions`) and the
 * Vercel AI SDK (`embed` / `embedMany` with `@ai-sdk/openai`) against every embedding model in the catalog, answers
 * checked against OpenAI's `CreateEmbeddingResponse`; bad input refused with `param` naming the field, uncharged and
 * recorded; limits, spend caps, BYOK and the ledger as for chat; Gemini's 100-input batches and the concurrency
 * slots they hold.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { embed, embedMany } from 'ai';
import OpenAI from 'openai';
import type { EmbeddingModelConfig } from '../../src/config/types.js';
import { costUsd } from '../../src/metering/pricing.js';
import { validateOpenAI } from '../openai-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

let gw: TestGateway;
let models: EmbeddingModelConfig[] = [];
before(async () => {
  gw = await startTestGateway((config) => {
    models = config.models.filter((model): model is EmbeddingModelConfig => model.kind === 'embedding');
  });
});
after(async () => {
  await gw.close();
});

const TEXTS = ['The quick brown fox jumps over the lazy dog.', 'Embeddings turn text into vectors.', 'A third, rather different sentence about tea.'];

/** The answer's `usage` as the gateway sends it: OpenAI's counts plus `cost_usd`. */
interface GatewayUsage {
  prompt_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

/** `actual` and `expected` hold the same rows, in any order (rows written in one millisecond have no order). */
function assertSameRows(actual: readonly unknown[][], expected: readonly unknown[][], message?: string): void {
  const sorted = (rows: readonly unknown[][]): string[] => rows.map((row) => JSON.stringify(row)).sort();
  assert.deepEqual(sorted(actual), sorted(expected), message);
}

function usageOf(answer: { usage: unknown }): GatewayUsage {
  const usage = answer.usage as GatewayUsage;
  assert.equal(typeof usage.cost_usd, 'number', 'usage.cost_usd is missing');
  return usage;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function assertUnitLength(vector: readonly number[], what: string): void {
  assert.ok(Math.abs(norm(vector) - 1) < 1e-4, `${what}: norm ${norm(vector)}`);
}

/** A `dimensions` within the model's range, below its default (so the vector is cut). */
function cutDimensions(model: EmbeddingModelConfig): number {
  assert.ok(model.dimension_range);
  return Math.max(model.dimension_range.min, Math.min(256, model.dimension_range.max - 1));
}

function post(apiKey: string, body: unknown, path = '/v1/embeddings'): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The SDK's error for a promise expected to fail with an HTTP error. */
async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

function assertRateLimitHeaders(headers: Headers | undefined): void {
  assert.ok(headers, 'no response headers');
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.match(headers.get(name) ?? '', /^\d+$/, `${name}: ${String(headers.get(name))}`);
  }
}

describe('the catalog', () => {
  it('holds the four embedding models, and /v1/models lists them with their kind', async () => {
    assert.deepEqual(models.map((m) => m.id).sort(), ['gemini-embedding-001', 'mistral-embed', 'text-embedding-3-large', 'text-embedding-3-small']);
    const listed = (await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.apiKey}` } })).json()) as {
      data: { id: string; kind?: string }[];
    };
    for (const model of models) assert.equal(listed.data.find((m) => m.id === model.id)?.kind, 'embedding', model.id);
  });
});

describe('the official openai SDK: embeddings.create on every embedding model', () => {
  it('default (base64, decoded by the SDK), explicit float, single and batch, dimensions; deterministic; billed and recorded', async () => {
    assert.ok(models.length > 0);
    for (const model of models) {
      const account = await gw.addAccount();
      const client = account.client();
      // The SDK asks for base64 when no encoding_format is given, and decodes it into numbers.
      const single = await client.embeddings.create({ model: model.id, input: TEXTS[0] as string });
      validateOpenAI('CreateEmbeddingResponse', single);
      assert.equal(single.model, model.id);
      assert.equal(single.data.length, 1);
      const [first] = single.data;
      assert.ok(first !== undefined);
      assert.equal(first.embedding.length, model.dimensions, model.id);
      assertUnitLength(first.embedding, model.id);

      const batch = await client.embeddings.create({
        model: model.id,
        input: [TEXTS[0] as string, TEXTS[1] as string, TEXTS[0] as string],
        encoding_format: 'float',
      });
      validateOpenAI('CreateEmbeddingResponse', batch);
      assert.deepEqual(
        batch.data.map((d) => d.index),
        [0, 1, 2],
      );
      for (const item of batch.data) assert.equal(item.embedding.length, model.dimensions, model.id);
      // Deterministic, order kept: the same text gives the same vector, in float as in (decoded) base64.
      assert.deepEqual(batch.data[0]?.embedding, first.embedding, `${model.id}: float and base64 differ`);
      assert.deepEqual(batch.data[2]?.embedding, first.embedding, `${model.id}: the same text gave another vector`);
      assert.notDeepEqual(batch.data[1]?.embedding, first.embedding, `${model.id}: two texts gave one vector`);

      const usages = [usageOf(single), usageOf(batch)];
      if (model.dimension_range !== undefined) {
        const dimensions = cutDimensions(model);
        const shortened = await client.embeddings.create({
          model: model.id,
          input: [TEXTS[1] as string, TEXTS[2] as string],
          dimensions,
          encoding_format: 'float',
        });
        validateOpenAI('CreateEmbeddingResponse', shortened);
        for (const item of shortened.data) {
          assert.equal(item.embedding.length, dimensions, model.id);
          assertUnitLength(item.embedding, `${model.id} cut to ${dimensions}`);
        }
        assert.notDeepEqual(shortened.data[0]?.embedding, shortened.data[1]?.embedding);
        usages.push(usageOf(shortened));
      }

      for (const usage of usages) {
        assert.ok(usage.prompt_tokens > 0, model.id);
        assert.equal(usage.total_tokens, usage.prompt_tokens);
        assert.equal(
          usage.cost_usd,
          costUsd({ prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.prompt_tokens }, model.pricing),
        );
        assert.ok(usage.cost_usd > 0, model.id);
      }
      // The batch counts every input: the first text twice and another.
      assert.ok(usageOf(batch).prompt_tokens > 2 * usageOf(single).prompt_tokens, model.id);

      // One row per request: the embeddings endpoint, the client's usage exactly, estimated where the upstream
      // reports no counts (Gemini).
      const rows = await ledgerRows(gw, account.accountId, usages.length);
      const estimated = model.owned_by === 'google' ? 1 : 0;
      assertSameRows(
        rows.map((r) => [r.endpoint, r.status, r.routedModel, r.promptTokens, r.completionTokens, r.costUsd, r.usageEstimated]),
        usages.map((u) => ['embeddings', 200, model.id, u.prompt_tokens, 0, u.cost_usd, estimated]),
        model.id,
      );
      const monthly = await gw.admission.monthly({ accountId: account.accountId });
      assert.ok(Math.abs(monthly.spentUsd - usages.reduce((sum, u) => sum + u.cost_usd, 0)) < 1e-12, model.id);
    }
  });

  it('an answer over 65,536 values (written a batch of items at a time) is whole, valid and in order, float and base64', async () => {
    const client = gw.client();
    const texts = Array.from({ length: 30 }, (_, i) => `large answer input ${i}`);
    const asFloat = await client.embeddings.create({ model: 'text-embedding-3-large', input: texts, encoding_format: 'float' });
    validateOpenAI('CreateEmbeddingResponse', asFloat);
    assert.deepEqual(
      asFloat.data.map((d) => [d.index, d.embedding.length]),
      texts.map((_, i) => [i, 3072]),
    );
    assert.ok(usageOf(asFloat).cost_usd > 0);
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-large', input: texts });
    assert.deepEqual(decoded.data, asFloat.data);
    const alone = await client.embeddings.create({ model: 'text-embedding-3-large', input: texts[29] as string, encoding_format: 'float' });
    assert.deepEqual(asFloat.data[29]?.embedding, alone.data[0]?.embedding);
  });

  it('explicit base64 answers little-endian float32 that decode to the float answer', async () => {
    const body = { model: 'text-embedding-3-small', input: TEXTS[2], dimensions: 64 };
    const asBase64 = (await (await post(gw.apiKey, { ...body, encoding_format: 'base64' })).json()) as { data: { embedding: string }[] };
    const asFloat = (await (await post(gw.apiKey, { ...body, encoding_format: 'float' })).json()) as { data: { embedding: number[] }[] };
    const encoded = asBase64.data[0]?.embedding;
    assert.equal(typeof encoded, 'string');
    const bytes = Buffer.from(encoded as string, 'base64');
    assert.equal(bytes.length, 64 * 4);
    const decoded = Array.from({ length: 64 }, (_, i) => bytes.readFloatLE(i * 4));
    assert.deepEqual(decoded, asFloat.data[0]?.embedding);
  });
});

describe('the Vercel AI SDK: embed / embedMany with @ai-sdk/openai', () => {
  it('works against every embedding model, dimensions through providerOptions', async () => {
    const openai = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.apiKey });
    const sdk = gw.client();
    for (const model of models) {
      const one = await embed({ model: openai.embedding(model.id), value: TEXTS[0] as string, maxRetries: 0 });
      assert.equal(one.embedding.length, model.dimensions, model.id);
      assert.ok(one.usage.tokens > 0, model.id);
      const reference = await sdk.embeddings.create({ model: model.id, input: TEXTS[0] as string });
      assert.deepEqual(one.embedding, reference.data[0]?.embedding, `${model.id}: the AI SDK and the openai SDK got different vectors`);

      const many = await embedMany({ model: openai.embedding(model.id), values: [TEXTS[2] as string, TEXTS[0] as string], maxRetries: 0 });
      assert.equal(many.embeddings.length, 2);
      assert.deepEqual(many.embeddings[1], one.embedding, `${model.id}: embedMany lost the order`);
      assert.ok(many.usage.tokens > one.usage.tokens, model.id);

      if (model.dimension_range !== undefined) {
        const dimensions = cutDimensions(model);
        const cut = await embedMany({
          model: openai.embedding(model.id),
          values: [TEXTS[1] as string],
          providerOptions: { openai: { dimensions } },
          maxRetries: 0,
        });
        assert.equal(cut.embeddings[0]?.length, dimensions, model.id);
        assertUnitLength(cut.embeddings[0] ?? [], `${model.id} cut to ${dimensions}`);
      }
    }
  });
});

describe('bad input', () => {
  const long = (words: number): string => 'word '.repeat(words);
  const cases: { name: string; body: Record<string, unknown>; param: string; path?: string; message: RegExp }[] = [
    { name: 'an empty string', body: { model: 'text-embedding-3-small', input: '' }, param: 'input', message: /empty string/ },
    { name: 'an empty array', body: { model: 'text-embedding-3-small', input: [] }, param: 'input', message: /empty array/ },
    {
      name: 'an empty string among inputs',
      body: { model: 'text-embedding-3-small', input: ['fine', ''] },
      param: 'input[1]',
      message: /empty string/,
    },
    {
      name: 'more than 2,048 inputs',
      body: { model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') },
      param: 'input',
      message: /2,049 items; at most 2,048/,
    },
    {
      name: "an input over the model's token limit",
      body: { model: 'gemini-embedding-001', input: ['short', long(3000)] },
      param: 'input[1]',
      message: /at most 2,048 per input/,
    },
    {
      name: 'dimensions on a model without them',
      body: { model: 'mistral-embed', input: 'hi', dimensions: 512 },
      param: 'dimensions',
      message: /does not take `dimensions`/,
    },
    {
      name: 'dimensions below the range',
      body: { model: 'gemini-embedding-001', input: 'hi', dimensions: 64 },
      param: 'dimensions',
      message: /between 128 and 3,072/,
    },
    {
      name: 'dimensions above the range',
      body: { model: 'text-embedding-3-small', input: 'hi', dimensions: 1537 },
      param: 'dimensions',
      message: /between 1 and 1,536/,
    },
    {
      name: 'a non-integer token',
      body: { model: 'text-embedding-3-small', input: [[1212, 318.5]] },
      param: 'input[0][1]',
      message: /integer token id/,
    },
    {
      name: 'token ids on a model without cl100k',
      body: { model: 'gemini-embedding-001', input: [1212, 318] },
      param: 'input',
      message: /takes text only/,
    },
    { name: 'token ids on mistral-embed', body: { model: 'mistral-embed', input: [[1212, 318]] }, param: 'input', message: /takes text only/ },
    {
      name: 'an encoding_format other than the two',
      body: { model: 'text-embedding-3-small', input: 'hi', encoding_format: 'hex' },
      param: 'encoding_format',
      message: /encoding_format/,
    },
    { name: 'a chat model', body: { model: 'gpt-4o-mini', input: 'hi' }, param: 'model', message: /is a chat model/ },
    { name: '"auto"', body: { model: 'auto', input: 'hi' }, param: 'model', message: /explicit embedding model/ },
    {
      name: 'an embedding model at /v1/chat/completions',
      body: { model: 'text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] },
      param: 'model',
      path: '/v1/chat/completions',
      message: /is an embedding model/,
    },
  ];

  it('each is a 400 in OpenAI shape naming the field; nothing reaches an upstream or is charged; each gets its ledger row', async () => {
    const account = await gw.addAccount();
    const upstreamCalls = gw.simulator!.stats().requests;
    for (const c of cases) {
      const response = await post(account.apiKey, c.body, c.path);
      const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string } };
      assert.equal(response.status, 400, `${c.name}: ${JSON.stringify(body)}`);
      validateOpenAI('ErrorResponse', body);
      assert.deepEqual(
        [body.error.type, body.error.code, body.error.param],
        ['invalid_request_error', 'invalid_request', c.param],
        `${c.name}: ${JSON.stringify(body)}`,
      );
      assert.match(body.error.message, c.message, c.name);
      assertRateLimitHeaders(response.headers);
    }
    assert.equal(gw.simulator!.stats().requests, upstreamCalls, 'a refused request reached an upstream');
    const rows = await ledgerRows(gw, account.accountId, cases.length);
    assertSameRows(
      rows.map((r) => [r.endpoint, r.requestedModel, r.status, r.errorCode, r.costUsd, r.promptTokens]),
      cases.map((c) => [c.path === undefined ? 'embeddings' : 'chat.completions', c.body.model, 400, 'invalid_request', 0, 0]),
    );
    assert.equal((await gw.admission.monthly({ accountId: account.accountId })).spentUsd, 0);
  });
});

describe('limits, as for chat', () => {
  it('a success carries X-RateLimit-* counting down', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const client = account.client();
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' }).withResponse();
    const second = await client.embeddings.create({ model: 'mistral-embed', input: 'hello' }).withResponse();
    assertRateLimitHeaders(first.response.headers);
    assert.equal(first.response.headers.get('x-ratelimit-limit'), '60');
    assert.equal(Number(second.response.headers.get('x-ratelimit-remaining')), Number(first.response.headers.get('x-ratelimit-remaining')) - 1);
  });

  it("a key's spend cap is a 402 before any upstream call, with its ledger row", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    const upstreamCalls = gw.simulator!.stats().requests;
    // 1,000 bytes at $0.02 per million tokens may cost $0.00002: over the $0.000001 cap.
    const error = await apiError(account.client().embeddings.create({ model: 'text-embedding-3-small', input: 'a'.repeat(1000) }));
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assertRateLimitHeaders(error.headers);
    assert.equal(gw.simulator!.stats().requests, upstreamCalls, 'the refused request reached the upstream');
    const rows = await ledgerRows(gw, account.accountId, 1);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.status, r.errorCode, r.costUsd]),
      [['embeddings', 402, 'quota_exceeded', 0]],
    );
  });

  it("a free plan's rpm (60) is a 429 on the 61st request", async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const client = account.client();
    for (let i = 0; i < 60; i++) await client.embeddings.create({ model: 'text-embedding-3-small', input: `request ${i}` });
    const error = await apiError(client.embeddings.create({ model: 'text-embedding-3-small', input: 'one too many' }));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.headers?.get('x-ratelimit-remaining'), '0');
    const rows = await ledgerRows(gw, account.accountId, 61);
    assert.deepEqual([...new Set(rows.map((r) => `${r.endpoint} ${r.status}`))].sort(), ['embeddings 200', 'embeddings 429']);
  });

  it("BYOK: the account's own provider key is used, the row is BYOK and the key's tiny cap does not apply", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    await gw.credentials.add(account.accountId, 'openai', 'sk-mine-0123456789abcdefOPNA');
    await gw.credentials.add(account.accountId, 'google', `AIza${'y'.repeat(31)}GOOG`);
    const client = account.client();
    const text = 'a'.repeat(1000);
    const openai = await client.embeddings.create({ model: 'text-embedding-3-small', input: text });
    const gemini = await client.embeddings.create({ model: 'gemini-embedding-001', input: text, dimensions: 128 });
    assert.equal(openai.data[0]?.embedding.length, 1536);
    assert.equal(gemini.data[0]?.embedding.length, 128);
    const tails = gw.simulator!.stats().keyTails;
    assert.ok(tails['text-embedding-3-small']?.includes('OPNA'), 'the OpenAI upstream saw the account key');
    assert.ok(tails['gemini-embedding-001']?.includes('GOOG'), 'the Gemini upstream saw the account key');
    // A provider without the account's key is still under the cap.
    assert.equal((await apiError(client.embeddings.create({ model: 'mistral-embed', input: text }))).status, 402);
    const rows = await ledgerRows(gw, account.accountId, 3);
    assertSameRows(
      rows.map((r) => [r.endpoint, r.routedModel, r.byok, r.status]),
      [
        ['embeddings', 'text-embedding-3-small', 1, 200],
        ['embeddings', 'gemini-embedding-001', 1, 200],
        ['embeddings', null, 0, 402],
      ],
    );
  });
});

describe("Gemini's 100-input batches", () => {
  const texts = Array.from({ length: 250 }, (_, i) => `input number ${i}: ${'lorem '.repeat(i % 7)}`);

  it('250 inputs are 3 upstream calls, vectors in input order, usage estimated and billed as recorded', async () => {
    const account = await gw.addAccount();
    const client = account.client();
    const before = gw.simulator!.stats().byModel['gemini-embedding-001'] ?? 0;
    const answer = await client.embeddings.create({ model: 'gemini-embedding-001', input: texts, dimensions: 128, encoding_format: 'float' });
    assert.equal((gw.simulator!.stats().byModel['gemini-embedding-001'] ?? 0) - before, 3);
    validateOpenAI('CreateEmbeddingResponse', answer);
    assert.deepEqual(
      answer.data.map((d) => d.index),
      texts.map((_, i) => i),
    );
    for (const item of answer.data) assert.equal(item.embedding.length, 128);
    // Each batch's edges against the same text embedded alone.
    const probes = [0, 99, 100, 199, 200, 249];
    const alone = await client.embeddings.create({
      model: 'gemini-embedding-001',
      input: probes.map((i) => texts[i] as string),
      dimensions: 128,
      encoding_format: 'float',
    });
    for (const [n, i] of probes.entries()) assert.deepEqual(answer.data[i]?.embedding, alone.data[n]?.embedding, `input ${i} out of order`);
    const usage = usageOf(answer);
    const [row] = await ledgerRows(gw, account.accountId, 1);
    assert.ok(row !== undefined);
    assert.deepEqual([row.promptTokens, row.costUsd, row.usageEstimated], [usage.prompt_tokens, usage.cost_usd, 1]);
  });

  it('admission holds min(3, 4) = 3 slots: refused (400 naming input) under 3 concurrent, others wait for them at 3', async () => {
    const two = await gw.addAccount({ concurrent: 2 });
    const refused = await post(two.apiKey, { model: 'gemini-embedding-001', input: texts, dimensions: 128 });
    const body = (await refused.json()) as { error: { message: string; param: string | null } };
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(body.error.param, 'input');
    assert.match(body.error.message, /3 parallel upstream calls/);
    assert.doesNotMatch(body.error.message, /`n`/);
    // 200 inputs are 2 calls: within 2.
    const fits = await post(two.apiKey, { model: 'gemini-embedding-001', input: texts.slice(0, 200), dimensions: 128 });
    assert.equal(fits.status, 200);

    const three = await gw.addAccount({ concurrent: 3 });
    gw.simulator!.setKnobs('gemini-embedding-001', { latencyMs: 1000 });
    try {
      const running = three.client().embeddings.create({ model: 'gemini-embedding-001', input: texts, dimensions: 128 });
      const deadline = Date.now() + 5000;
      while (gw.simulator!.stats().inFlight < 3 && Date.now() < deadline) await sleep(5);
      assert.equal(gw.simulator!.stats().inFlight, 3, 'the three batches run at once');
      const blocked = await apiError(three.client().embeddings.create({ model: 'text-embedding-3-small', input: 'meanwhile' }));
      assert.equal(blocked.status, 429);
      assert.match(blocked.message, /concurren/i);
      assert.equal((await running).data.length, 250);
    } finally {
      gw.simulator!.resetKnobs();
    }
    const afterwards = await three.client().embeddings.create({ model: 'text-embedding-3-small', input: 'afterwards' });
    assert.equal(afterwards.data.length, 1);
  });
});
