/**
 * Latency mode on mixed traffic, end to end through the official `openai` SDK on the default catalog and the
 * simulator: estimates learned from streamed calls and from non-streamed calls must be comparable.
 *
 * - The scenario: a few streamed requests to `gpt-5-nano`, then every deployment answers in ~150 ms except
 *   `gemini-2.5-flash-lite` (~5 ms), then non-streamed `auto`/`latency` requests.
 * - Its mirror: one non-streamed request to each model by name (`gemini-2.5-flash-lite` last), then every deployment
 *   streams in ~150 ms except `gemini-2.5-flash-lite` (~5 ms), then streamed `auto`/`latency` requests.
 *
 * Both must settle on `gemini-2.5-flash-lite` within 2 × (number of capable deployments) requests and stay there.
 * The router explores (a never-seen deployment first, then 5 % of requests on the least recently seen one), so a
 * request counts against settling only when it went neither to the fast deployment nor to the deployment served
 * least recently: that is an exploitation of a wrong estimate. The figures are printed as `#` diagnostics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { RouteExplanation } from '../../src/routing/explain.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** A chat body plus our `routing` extension (what Python's `extra_body={"routing": "latency"}` sends). */
type LatencyBody = ChatCompletionCreateParamsNonStreaming & { routing: 'latency' };
type LatencyStreamBody = ChatCompletionCreateParamsStreaming & { routing: 'latency' };

const FAST_MODEL = 'gemini-2.5-flash-lite';
const say = (content: string): LatencyBody['messages'] => [{ role: 'user', content }];

function simulatorOf(gw: TestGateway): Simulator {
  assert.ok(gw.simulator !== undefined, 'the test gateway runs the simulator');
  return gw.simulator;
}

/** `model@provider` of an answer's routing headers. */
function deploymentOf(response: Response): string {
  const model = response.headers.get('x-op-model');
  const provider = response.headers.get('x-op-provider');
  assert.ok(model && provider, 'routing headers present');
  assert.equal(response.headers.get('x-op-routing'), 'latency');
  assert.equal(response.headers.get('x-op-attempts'), '1');
  return `${model}@${provider}`;
}

/** Sends one `auto`/`latency` request, JSON or SSE, and returns the deployment that answered. */
async function latencyRequest(gw: TestGateway, stream: boolean, i: number): Promise<string> {
  if (!stream) {
    const body: LatencyBody = { model: 'auto', routing: 'latency', messages: say(`json ${i}`) };
    const { data, response } = await gw.client().chat.completions.create(body).withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /Simulated reply/);
    return deploymentOf(response);
  }
  const body: LatencyStreamBody = { model: 'auto', routing: 'latency', stream: true, messages: say(`sse ${i}`) };
  const { data, response } = await gw.client().chat.completions.create(body).withResponse();
  let text = '';
  for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
  assert.match(text, /Simulated reply/);
  return deploymentOf(response);
}

/** How a request's deployment stood when it was served: never served before, served least recently, or neither. */
type Recentness = 'first' | 'least-recent' | 'other';

/** Which deployment was served least recently, as the router's exploration sees it (never served counts as oldest). */
class Recency {
  readonly #lastServed = new Map<string, number>();
  #clock = 0;

  constructor(private readonly deployments: readonly string[]) {}

  /** How `deployment` stands right now; then marks it served. */
  serve(deployment: string): Recentness {
    assert.ok(this.deployments.includes(deployment), `${deployment} is a capable deployment`);
    const last = this.#lastServed.get(deployment);
    const oldest = Math.min(...this.deployments.map((d) => this.#lastServed.get(d) ?? -1));
    this.#lastServed.set(deployment, ++this.#clock);
    if (last === undefined) return 'first';
    return last === oldest ? 'least-recent' : 'other';
  }
}

/** What one latency run saw. */
interface Run {
  /** The deployment of each request, in order. */
  served: string[];
  /**
   * Requests before the fast deployment was chosen on every later request that was not an exploration (a
   * deployment's first try, or a try of the one served least recently).
   */
  settledAfter: number;
  /** Requests after settling that were not a deployment's first try, and how many of them the fast one answered. */
  later: number;
  onFastLater: number;
}

async function latencyRun(gw: TestGateway, recency: Recency, fast: string, stream: boolean, count: number): Promise<Run> {
  const served: string[] = [];
  const kinds: Recentness[] = [];
  let settledAfter = 0;
  for (let i = 0; i < count; i++) {
    const deployment = await latencyRequest(gw, stream, i);
    const kind = recency.serve(deployment);
    if (deployment !== fast && kind === 'other') settledAfter = i + 1;
    served.push(deployment);
    kinds.push(kind);
  }
  const later = served.filter((_, i) => i >= settledAfter && kinds[i] !== 'first');
  return { served, settledAfter, later: later.length, onFastLater: later.filter((d) => d === fast).length };
}

/** The capable deployments of a plain text request, as `model@provider`, from `/v1/routing/explain`. */
async function capableDeployments(gw: TestGateway): Promise<string[]> {
  const body: LatencyBody = { model: 'auto', routing: 'latency', messages: say('which one?') };
  const plan = await gw.client().post<RouteExplanation>('/routing/explain', { body });
  return plan.candidates.map((c) => `${c.model}@${c.provider}`);
}

const near = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-4 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

/**
 * The best-scored candidate now (exploration aside), with the figures explain shows for the first three. Checks
 * that the figures shown are the ones that decided: each score is the expected latency (TTFT + the tokens after the
 * first at the output rate) divided by the success rate.
 */
async function bestCandidate(gw: TestGateway): Promise<{ deployment: string; figures: string }> {
  const body: LatencyBody = { model: 'auto', routing: 'latency', messages: say('which one?') };
  const plan = await gw.client().post<RouteExplanation>('/routing/explain', { body });
  const expected = plan.requirements?.expected_output_tokens ?? Number.NaN;
  for (const { details, score, model } of plan.candidates) {
    const figure = (name: string): number => Number(details[name]);
    near(figure('latency_ms'), figure('ttft_ms') + ((expected - 1) * 1000) / figure('tokens_per_second'), `${model} latency_ms`);
    near(score, figure('latency_ms') / figure('success_rate'), `${model} score`);
  }
  const ranked = [...plan.candidates].sort((a, b) => a.score - b.score);
  const figures = ranked
    .slice(0, 3)
    .map((c) => `${c.model}@${c.provider}: ttft ${c.details.ttft_ms} ms, ${c.details.tokens_per_second} tok/s → ${c.details.latency_ms} ms`);
  return { deployment: ranked[0] === undefined ? '' : `${ranked[0].model}@${ranked[0].provider}`, figures: figures.join('; ') };
}

function describeRun(name: string, run: Run, bound: number): string {
  const short = run.served.map((d) => d.split('@')[0]).join(',');
  return `# ${name}: settled after ${run.settledAfter} request(s) (bound ${bound}); then ${run.onFastLater}/${run.later} later tries on ${FAST_MODEL}; served ${short}`;
}

describe('latency mode: rates learned on streams, then non-streamed latency traffic (issue 19)', () => {
  let gw: TestGateway;
  let deployments: string[];
  before(async () => {
    gw = await startTestGateway();
    deployments = await capableDeployments(gw);
  });
  after(async () => {
    await gw.close();
  });

  it(`settles on ${FAST_MODEL} within 2 × the capable deployments and stays`, async () => {
    const fast = deployments.find((d) => d.startsWith(`${FAST_MODEL}@`));
    assert.ok(fast !== undefined, `${FAST_MODEL} is capable`);
    const recency = new Recency(deployments);
    // A few streamed requests while every upstream answers at once: gpt-5-nano's rate is measured in the thousands.
    for (let i = 0; i < 3; i++) {
      const { data, response } = await gw
        .client()
        .chat.completions.create({ model: 'gpt-5-nano', stream: true, messages: say(`warm ${i}`) })
        .withResponse();
      for await (const chunk of data) assert.equal(chunk.object, 'chat.completion.chunk');
      recency.serve(`gpt-5-nano@${response.headers.get('x-op-provider')}`);
    }
    simulatorOf(gw).setKnobs('*', { latencyMs: 150 });
    simulatorOf(gw).setKnobs(FAST_MODEL, { latencyMs: 5 });

    const bound = 2 * deployments.length;
    const run = await latencyRun(gw, recency, fast, false, bound + 10);
    const best = await bestCandidate(gw);
    console.log(describeRun('streams then JSON', run, bound));
    console.log(`# streams then JSON, best estimates: ${best.figures}`);
    assert.ok(run.settledAfter <= bound, `settled after ${run.settledAfter} > ${bound}: ${run.served.join(',')}`);
    assert.ok(run.later >= 10 && run.onFastLater >= (2 / 3) * run.later, `${run.onFastLater}/${run.later} on the fast deployment after settling`);
    assert.equal(best.deployment, fast, best.figures);
  });
});

describe('latency mode: rates learned on non-streamed calls, then streamed latency traffic (the mirror)', () => {
  let gw: TestGateway;
  let deployments: string[];
  before(async () => {
    gw = await startTestGateway();
    deployments = await capableDeployments(gw);
  });
  after(async () => {
    await gw.close();
  });

  it(`settles on ${FAST_MODEL} within 2 × the capable deployments and stays`, async () => {
    const fast = deployments.find((d) => d.startsWith(`${FAST_MODEL}@`));
    assert.ok(fast !== undefined, `${FAST_MODEL} is capable`);
    const recency = new Recency(deployments);
    // One non-streamed request to each model by name while every upstream answers at once, the fast one last (so
    // it is the last the router's exploration would come back to): every estimate comes from a non-streamed call.
    const models = [...new Set(deployments.map((d) => d.split('@')[0] ?? ''))].filter((m) => m !== FAST_MODEL);
    for (const model of [...models, FAST_MODEL]) {
      const { data, response } = await gw
        .client()
        .chat.completions.create({ model, messages: say('warm') })
        .withResponse();
      assert.equal(data.model, model);
      recency.serve(`${model}@${response.headers.get('x-op-provider')}`);
    }
    // Streams: ~100 ms to the first token and 500 tokens/s (24 tokens ≈ 146 ms), the fast one ~3 ms and 10,000/s.
    simulatorOf(gw).setKnobs('*', { ttftMs: 100, tokensPerSecond: 500 });
    simulatorOf(gw).setKnobs(FAST_MODEL, { ttftMs: 3, tokensPerSecond: 10_000 });

    const bound = 2 * deployments.length;
    const run = await latencyRun(gw, recency, fast, true, bound + 10);
    const best = await bestCandidate(gw);
    console.log(describeRun('JSON then streams', run, bound));
    console.log(`# JSON then streams, best estimates: ${best.figures}`);
    assert.ok(run.settledAfter <= bound, `settled after ${run.settledAfter} > ${bound}: ${run.served.join(',')}`);
    assert.ok(run.later >= 10 && run.onFastLater >= (2 / 3) * run.later, `${run.onFastLater}/${run.later} on the fast deployment after settling`);
    assert.equal(best.deployment, fast, best.figures);
  });
});
