/**
 * Gateway.embed against the in-process simulator: OpenAI-format, Mistral and Gemini deployments, batching with
 * bounded concurrency, failover between deployments of one embedding model, and what is reported to routing health.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import type { EmbeddingModelConfig, ModelConfig, ProviderConfig } from '../config/types.js';
import { parseEmbeddingRequest, type EmbeddingRequest, type EmbeddingRequestBody } from '../core/embedding-request.js';
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamRequest } from '../providers/types.js';
import { Catalog } from '../routing/catalog.js';
import { InMemoryCircuitBreakers } from '../routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../routing/health.js';
import { Router } from '../routing/router.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { Cancellation, type CancelSignal } from './cancellation.js';
import { answerBytes, EMBEDDING_CALLS_AT_ONCE, embeddingCallsFor } from './embed.js';
import type { AttemptOutcome } from './gateway.js';
import { Gateway } from './gateway.js';
import { ImageFetcher } from './image-fetch.js';
import { MAX_UPSTREAM_BODY_BYTES } from './upstream-body.js';
import { UpstreamClient, type UpstreamResponse } from './upstream-client.js';

/** Records every upstream request, and how many were in flight at most. */
class RecordingClient extends UpstreamClient {
  readonly sent: { baseUrl: string; request: UpstreamRequest }[] = [];
  inFlight = 0;
  peak = 0;

  override async send(baseUrl: string, request: UpstreamRequest, signal: CancelSignal): Promise<UpstreamResponse> {
    this.sent.push({ baseUrl, request });
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      return await super.send(baseUrl, request, signal);
    } finally {
      this.inFlight -= 1;
    }
  }
}

const config = loadConfig({ env: {} });
let sim: Simulator;
let client: RecordingClient;

/** A failover model: two deployments of one embedding model, the first on a flaky upstream model name. */
const FAILOVER: EmbeddingModelConfig = {
  id: 'failover-embed',
  kind: 'embedding',
  owned_by: 'test',
  created: 0,
  context_length: 8192,
  max_output_tokens: 0,
  pricing: { input_per_million: 0.02, output_per_million: 0 },
  capabilities: { vision: false, tools: false },
  deployments: [
    { provider: 'openai', model: 'flaky-embed' },
    { provider: 'deepseek', model: 'text-embedding-3-small' },
  ],
  dimensions: 1536,
  dimension_range: { min: 1, max: 4096 },
  max_input_tokens: 8192,
  upstream_base64: true,
  upstream_user: true,
};

/** text-embedding-3-large asked for JSON numbers: 150 vectors of 3,072 are about 9 MB, past the 8 MiB chat bound. */
const LARGE_FLOATS: EmbeddingModelConfig = {
  ...FAILOVER,
  id: 'large-floats',
  deployments: [{ provider: 'openai', model: 'text-embedding-3-large' }],
  dimensions: 3072,
  dimension_range: { min: 1, max: 3072 },
  upstream_base64: false,
};

function setup() {
  const providers: Record<string, ProviderConfig> = {};
  for (const [id, provider] of Object.entries(config.providers)) {
    providers[id] = { ...provider, baseUrl: provider.format === 'openai' ? `${sim.url}/${id}/v1` : `${sim.url}/${id}`, apiKey: `sk-${id}-test` };
  }
  const models: ModelConfig[] = [...config.models, FAILOVER, LARGE_FLOATS];
  const breakers = new InMemoryCircuitBreakers({ now: Date.now });
  const router = new Router({
    catalog: new Catalog(models, providers),
    health: new InMemoryHealthStore({ now: Date.now }),
    breakers,
    now: Date.now,
    random: () => 0.5,
  });
  const outcomes: { deployment: string; outcome: AttemptOutcome }[] = [];
  const gateway = new Gateway({
    client,
    now: Date.now,
    generateId: () => 'unused',
    images: new ImageFetcher(),
    onOutcome: (candidate, outcome) => {
      outcomes.push({ deployment: `${candidate.deployment.provider}/${candidate.deployment.model}`, outcome });
      router.report(candidate, outcome);
    },
  });
  return { router, gateway, outcomes };
}

function request(router: Router, body: Omit<EmbeddingRequestBody, 'model'>, model: string): EmbeddingRequest {
  return parseEmbeddingRequest({ model, ...body }, router.embeddingModel(model), config.requests);
}

/** The simulator's own float vector for `text` (OpenAI format), to compare the gateway's answers with. */
async function direct(text: string, model: string, dimensions?: number): Promise<Float32Array> {
  const response = await fetch(`${sim.url}/openai/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: text, ...(dimensions === undefined ? {} : { dimensions }) }),
  });
  const json = (await response.json()) as { data: [{ embedding: number[] }] };
  return new Float32Array(json.data[0].embedding);
}

const norm = (v: Float32Array): number => Math.hypot(...v);

before(async () => {
  sim = await startSimulator();
  client = new RecordingClient(config.timeouts);
});
after(async () => {
  await client.close();
  await sim.close();
});
beforeEach(() => {
  sim.resetKnobs();
  client.sent.length = 0;
  client.peak = 0;
});

describe('Gateway.embed on OpenAI-format deployments', () => {
  it('asks the upstream for base64 and the dimensions, and answers its vectors with usage and the attempt', async () => {
    const { router, gateway, outcomes } = setup();
    const req = request(router, { input: ['first text', 'second text'], dimensions: 256, user: 'end-user' }, 'text-embedding-3-small');
    const { candidates } = router.routeEmbedding('text-embedding-3-small');
    const result = await gateway.embed(req, candidates, new Cancellation());
    assert.deepEqual(
      client.sent.map((s) => s.request.body),
      [{ model: 'text-embedding-3-small', input: ['first text', 'second text'], encoding_format: 'base64', dimensions: 256, user: 'end-user' }],
    );
    assert.equal(result.data.length, 2);
    assert.deepEqual(result.data[1], await direct('second text', 'text-embedding-3-small', 256));
    assert.deepEqual(
      [result.model, result.usage, result.attempts, result.candidate.model.id],
      ['text-embedding-3-small', { prompt_tokens: 6 }, 1, 'text-embedding-3-small'],
    );
    assert.ok(result.upstreamMs >= 0);
    assert.deepEqual(
      outcomes.map((o) => [o.deployment, o.outcome.ok]),
      [['openai/text-embedding-3-small', true]],
    );
  });

  it('sends Mistral only model and input (its schema refuses the rest), and reads its floats', async () => {
    const { router, gateway } = setup();
    const req = request(router, { input: 'bonjour', user: 'end-user' }, 'mistral-embed');
    const result = await gateway.embed(req, router.routeEmbedding('mistral-embed').candidates, new Cancellation());
    assert.deepEqual(client.sent[0]?.request.body, { model: 'mistral-embed', input: ['bonjour'] });
    assert.equal(result.data[0]?.length, 1024);
    assert.ok(Math.abs(norm(result.data[0] ?? new Float32Array()) - 1) < 1e-5);
  });

  it('fails over to the next deployment of the same model on a retryable failure, reporting both', async () => {
    const { router, gateway, outcomes } = setup();
    sim.setKnobs('flaky-embed', { errorRate: 1, errorStatus: 503 });
    const result = await gateway.embed(
      request(router, { input: 'x' }, 'failover-embed'),
      router.routeEmbedding('failover-embed').candidates,
      new Cancellation(),
    );
    assert.equal(result.attempts, 2);
    assert.equal(result.candidate.deployment.provider, 'deepseek');
    assert.equal(result.model, 'failover-embed');
    assert.deepEqual(outcomes[0], { deployment: 'openai/flaky-embed', outcome: { ok: false, retryable: true } });
    const success = outcomes[1];
    assert.equal(success?.deployment, 'deepseek/text-embedding-3-small');
    assert.ok(success?.outcome.ok === true && success.outcome.outputTokens === 0);
    assert.equal(outcomes.length, 2);
  });

  it('does not fail over on the upstream refusing the request, and reports it as not retryable', async () => {
    const { router, gateway, outcomes } = setup();
    // The catalog entry allows 2,000 dimensions, the upstream (1,536 values at most) refuses them.
    const req = request(router, { input: 'x', dimensions: 2000 }, 'failover-embed');
    await assert.rejects(gateway.embed(req, router.routeEmbedding('failover-embed').candidates, new Cancellation()), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.deepEqual([error.status, error.code, error.upstream], [400, 'invalid_request', true]);
      assert.match(error.message, /dimensions/);
      return true;
    });
    assert.equal(client.sent.length, 1);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      [{ ok: false, retryable: false }],
    );
  });
});

describe('Gateway.embed answer size', () => {
  it('reads a float answer past the 8 MiB chat bound when the vectors asked for need it', async () => {
    const { router, gateway } = setup();
    const req = request(router, { input: Array.from({ length: 150 }, (_, i) => `t${i}`) }, 'large-floats');
    const result = await gateway.embed(req, router.routeEmbedding('large-floats').candidates, new Cancellation());
    assert.equal(client.sent[0]?.request.body.encoding_format, undefined, 'floats were asked for');
    assert.deepEqual([result.data.length, result.data[149]?.length], [150, 3072]);
    assert.ok(answerBytes(req) > MAX_UPSTREAM_BODY_BYTES);
  });
});

describe('Gateway.embed on Gemini: batches of 100', () => {
  it('splits 250 inputs into calls of 100, 100 and 50, and answers unit-length vectors in input order, without usage', async () => {
    const { router, gateway, outcomes } = setup();
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const req = request(router, { input: texts, dimensions: 768 }, 'gemini-embedding-001');
    const { candidates } = router.routeEmbedding('gemini-embedding-001');
    assert.equal(embeddingCallsFor(req, candidates[0]!), 3);
    const result = await gateway.embed(req, candidates, new Cancellation());
    assert.deepEqual(
      client.sent.map((s) => (s.request.body.requests as unknown[]).length),
      [100, 100, 50],
    );
    assert.ok(client.sent.every((s) => s.request.path === '/v1beta/models/gemini-embedding-001:batchEmbedContents'));
    assert.equal(result.data.length, 250);
    for (const vector of result.data) assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
    const alone = await gateway.embed(
      request(router, { input: texts[173] ?? '', dimensions: 768 }, 'gemini-embedding-001'),
      candidates,
      new Cancellation(),
    );
    assert.deepEqual(result.data[173], alone.data[0], 'input 173 got its own vector');
    assert.equal(result.usage, undefined, 'Gemini reports no token counts: settling counts them');
    assert.equal(outcomes.filter((o) => o.outcome.ok).length, 2, 'one success per attempt, not per batch');
  });

  it('runs at most EMBEDDING_CALLS_AT_ONCE calls at a time, which is what admission holds', async () => {
    const { router, gateway } = setup();
    sim.setKnobs('gemini-embedding-001', { latencyMs: 20 });
    const req = request(router, { input: Array.from({ length: 2048 }, (_, i) => `t${i}`), dimensions: 128 }, 'gemini-embedding-001');
    const { candidates } = router.routeEmbedding('gemini-embedding-001');
    assert.equal(embeddingCallsFor(req, candidates[0]!), EMBEDDING_CALLS_AT_ONCE);
    const result = await gateway.embed(req, candidates, new Cancellation());
    assert.equal(client.sent.length, 21);
    assert.equal(client.peak, EMBEDDING_CALLS_AT_ONCE);
    assert.equal(result.data.length, 2048);
    assert.equal(
      embeddingCallsFor(request(router, { input: 'x' }, 'text-embedding-3-small'), router.routeEmbedding('text-embedding-3-small').candidates[0]!),
      1,
    );
  });

  it('stops at the first failed call: the calls not yet started never go out, the error fails the attempt', async () => {
    const { router, gateway, outcomes } = setup();
    sim.setKnobs('gemini-embedding-001', { errorRate: 1, errorStatus: 503 });
    const req = request(router, { input: Array.from({ length: 900 }, (_, i) => `t${i}`) }, 'gemini-embedding-001');
    await assert.rejects(gateway.embed(req, router.routeEmbedding('gemini-embedding-001').candidates, new Cancellation()), {
      status: 503,
      code: 'provider_unavailable',
    });
    assert.ok(client.sent.length <= EMBEDDING_CALLS_AT_ONCE, `${client.sent.length} of 9 calls went out`);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      [{ ok: false, retryable: true }],
    );
  });

  it('cancels every call when the client goes away, and reports nothing', async () => {
    const { router, gateway, outcomes } = setup();
    sim.setKnobs('gemini-embedding-001', { latencyMs: 5000 });
    const cancellation = new Cancellation();
    const req = request(router, { input: Array.from({ length: 300 }, (_, i) => `t${i}`) }, 'gemini-embedding-001');
    const pending = gateway.embed(req, router.routeEmbedding('gemini-embedding-001').candidates, cancellation);
    setTimeout(() => cancellation.cancel(), 50);
    await assert.rejects(pending, { status: 499, code: 'client_closed_request' });
    assert.deepEqual(outcomes, []);
    assert.equal(client.sent.length, 3);
  });
});

describe('answerBytes', () => {
  it('reads an answer up to what its vectors can take, never less than the chat bound', () => {
    const call = (inputs: number, dimensions: number, base64: boolean) =>
      ({
        model: 'm',
        input: { kind: 'text', texts: Array.from({ length: inputs }, () => 'x') },
        dimensions,
        user: undefined,
        upstream: { dimensions: true, base64, user: true },
      }) as const;
    assert.equal(answerBytes(call(1, 1536, true)), MAX_UPSTREAM_BODY_BYTES);
    // 100 Gemini vectors of 3,072 JSON numbers run to about 8 MB pretty-printed: more than the chat bound.
    assert.ok(answerBytes(call(100, 3072, false)) > 100 * 3072 * 25);
    assert.ok(answerBytes(call(2048, 3072, true)) > (2048 * 3072 * 4 * 4) / 3);
  });
});
