/**
 * Several deployments of one model in the default catalog, end to end through the official `openai` SDK and the
 * simulator: `llama-4-maverick` is served by Groq and by DeepInfra. `/v1/models` lists it once; an explicit request
 * goes to Groq and fails over to DeepInfra when Groq fails; latency mode ranks the two deployments apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { RouteExplanation } from '../../src/routing/explain.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MODEL = 'llama-4-maverick';
const GROQ_UPSTREAM = 'meta-llama/llama-4-maverick-17b-128e-instruct';
const DEEPINFRA_UPSTREAM = 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8';

/** A chat body plus our `routing` extension. */
type LatencyBody = ChatCompletionCreateParamsNonStreaming & { routing: 'latency' };
const say = (content: string): LatencyBody['messages'] => [{ role: 'user', content }];

function simulatorOf(gw: TestGateway): Simulator {
  assert.ok(gw.simulator !== undefined, 'the test gateway runs the simulator');
  return gw.simulator;
}

describe(`the default catalog's ${MODEL} on Groq and DeepInfra`, () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('is listed once by /v1/models and explained as two candidates', async () => {
    const ids: string[] = [];
    for await (const model of gw.client().models.list()) ids.push(model.id);
    assert.equal(ids.filter((id) => id === MODEL).length, 1);
    assert.equal(new Set(ids).size, ids.length, 'each model once');
    const body: LatencyBody = { model: 'auto', routing: 'latency', messages: say('which one?') };
    const plan = await gw.client().post<RouteExplanation>('/routing/explain', { body });
    const llama = plan.candidates.filter((c) => c.model === MODEL).map((c) => [c.provider, c.upstream_model]);
    assert.deepEqual(llama.sort(), [
      ['deepinfra', DEEPINFRA_UPSTREAM],
      ['groq', GROQ_UPSTREAM],
    ]);
  });

  it('answers an explicit request from Groq, and from DeepInfra when Groq fails', async () => {
    const first = await gw
      .client()
      .chat.completions.create({ model: MODEL, messages: say('hello') })
      .withResponse();
    assert.equal(first.data.model, MODEL);
    assert.equal(first.response.headers.get('x-op-provider'), 'groq');
    assert.equal(first.response.headers.get('x-op-attempts'), '1');

    simulatorOf(gw).setKnobs(GROQ_UPSTREAM, { errorRate: 1, errorStatus: 503 });
    const before = simulatorOf(gw).stats().byModel;
    const failedOver = await gw
      .client()
      .chat.completions.create({ model: MODEL, messages: say('hello again') })
      .withResponse();
    assert.equal(failedOver.data.model, MODEL);
    assert.match(failedOver.data.choices[0]?.message.content ?? '', /Simulated reply/);
    assert.equal(failedOver.response.headers.get('x-op-provider'), 'deepinfra');
    assert.equal(failedOver.response.headers.get('x-op-attempts'), '2');
    const calls = simulatorOf(gw).stats().byModel;
    assert.equal((calls[GROQ_UPSTREAM] ?? 0) - (before[GROQ_UPSTREAM] ?? 0), 1, 'Groq was tried once');
    assert.equal((calls[DEEPINFRA_UPSTREAM] ?? 0) - (before[DEEPINFRA_UPSTREAM] ?? 0), 1, 'then DeepInfra answered');
    simulatorOf(gw).resetKnobs();
  });

  it('ranks the two deployments by their measured latency in latency mode', async () => {
    // Everything answers in ~60 ms except DeepInfra's Llama (~2 ms): latency mode must find that deployment, not
    // just the model.
    simulatorOf(gw).setKnobs('*', { latencyMs: 60 });
    simulatorOf(gw).setKnobs(DEEPINFRA_UPSTREAM, { latencyMs: 2 });
    const body: LatencyBody = { model: 'auto', routing: 'latency', messages: say('which one?') };
    const plan = await gw.client().post<RouteExplanation>('/routing/explain', { body });
    const served: string[] = [];
    for (let i = 0; i < plan.candidates.length + 10; i++) {
      const { data, response } = await gw
        .client()
        .chat.completions.create({ ...body, messages: say(`request ${i}`) })
        .withResponse();
      served.push(`${data.model}@${response.headers.get('x-op-provider')}`);
    }
    const last = served.slice(-10);
    console.log(`# ${MODEL} deployments in latency mode, last 10 answers: ${last.join(', ')}`);
    assert.ok(last.filter((d) => d === `${MODEL}@deepinfra`).length >= 6, last.join(', '));

    const ranked = (await gw.client().post<RouteExplanation>('/routing/explain', { body })).candidates.sort((a, b) => a.score - b.score);
    assert.deepEqual([ranked[0]?.model, ranked[0]?.provider], [MODEL, 'deepinfra']);
    const groq = ranked.find((c) => c.model === MODEL && c.provider === 'groq');
    assert.ok(groq !== undefined && Number(groq.details.latency_ms) > Number(ranked[0]?.details.latency_ms));
  });
});
