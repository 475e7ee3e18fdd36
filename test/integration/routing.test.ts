/**
 * Smart routing end to end, through the official `openai` SDK against a real gateway and the in-process simulator:
 * cost mode picks the cheapest capable model (text, long context, long output, vision, tools) and agrees with
 * `/v1/routing/explain`; latency mode converges on a 10× faster deployment and weighs time to first token and output
 * rate apart; reliability mode keeps every request succeeding while one provider fails 100 % and another 30 %, and
 * failover does too when those providers rank first; an explicit model whose only provider is down gets 503
 * `provider_unavailable`, then a 503 with `Retry-After` and no upstream call once its circuit is open; the key's
 * default mode applies when the body names none; a request nothing can serve gets 400 naming the requirement.
 *
 * Every `describe` boots its own gateway with a small catalog (via `startTestGateway(adjust)`), so health, circuits
 * and simulator counters never leak between them. The figures (convergence, attempts) are printed as `#` diagnostics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { createKeysService } from '../../src/auth/index.js';
import type { Deployment, GatewayConfig, ModelConfig } from '../../src/config/types.js';
import type { RouteExplanation } from '../../src/routing/explain.js';
import { DEFAULT_EXPECTED_OUTPUT_TOKENS } from '../../src/routing/requirements.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

type RoutingMode = 'cost' | 'latency' | 'reliability';
/** A chat body plus our `routing` extension (what Python's `extra_body={"routing": …}` sends). */
type RoutedBody = ChatCompletionCreateParamsNonStreaming & { routing?: RoutingMode };
type RoutedStreamBody = ChatCompletionCreateParamsStreaming & { routing?: RoutingMode };

interface ModelSpec {
  context: number;
  maxOutput: number;
  /** USD per million input and output tokens. */
  price: [number, number];
  vision?: boolean;
  tools?: boolean;
  deployments: Deployment[];
}

function catalog(specs: Record<string, ModelSpec>): ModelConfig[] {
  return Object.entries(specs).map(([id, s]) => ({
    id,
    owned_by: 'test',
    created: 0,
    context_length: s.context,
    max_output_tokens: s.maxOutput,
    pricing: { input_per_million: s.price[0], output_per_million: s.price[1] },
    capabilities: { vision: s.vision ?? false, tools: s.tools ?? false },
    deployments: s.deployments,
  }));
}

/** Boots a gateway serving only `specs`. */
function gatewayWith(specs: Record<string, ModelSpec>, adjust?: (config: GatewayConfig) => void): Promise<TestGateway> {
  return startTestGateway((config) => {
    config.models = catalog(specs);
    adjust?.(config);
  });
}

function simulatorOf(gw: TestGateway): Simulator {
  assert.ok(gw.simulator !== undefined, 'the test gateway runs the simulator');
  return gw.simulator;
}

function explain(gw: TestGateway, body: RoutedBody, apiKey?: string): Promise<RouteExplanation> {
  return gw.client(apiKey).post<RouteExplanation>('/routing/explain', { body });
}

/** The routing headers of a response; fails when any is missing. */
function routeHeaders(response: Response): { model: string; provider: string; routing: string; attempts: number } {
  const get = (name: string): string => {
    const value = response.headers.get(name);
    assert.ok(value !== null && value !== '', `missing ${name}`);
    return value;
  };
  return { model: get('x-op-model'), provider: get('x-op-provider'), routing: get('x-op-routing'), attempts: Number(get('x-op-attempts')) };
}

const say = (content: string): RoutedBody['messages'] => [{ role: 'user', content }];

/** A real 1×1 PNG. */
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const WEATHER_TOOL: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** What a run of {@link sendMany} saw: successes, `x-op-attempts` counts, models that answered, failures. */
interface RunFigures {
  ok: number;
  failures: string[];
  totalAttempts: number;
  /** Requests by `x-op-attempts` value. */
  attempts: Map<number, number>;
  /** Requests by answering model. */
  served: Map<string, number>;
}

/**
 * Sends `count` sequential `model: "auto"` requests in `mode`, alternating JSON and SSE (both fail over before the
 * first byte reaches the client). A request counts as a success when it answers 200 with the simulator's reply, the
 * routing headers, and `model` equal to `x-op-model`; anything else is collected as a failure, not thrown.
 */
async function sendMany(gw: TestGateway, mode: RoutingMode, count: number): Promise<RunFigures> {
  const figures: RunFigures = { ok: 0, failures: [], totalAttempts: 0, attempts: new Map(), served: new Map() };
  for (let i = 0; i < count; i++) {
    try {
      let text = '';
      let model = '';
      let response: Response;
      if (i % 2 === 0) {
        const body: RoutedBody = { model: 'auto', routing: mode, messages: say(`json ${i}`) };
        const result = await gw.client().chat.completions.create(body).withResponse();
        text = result.data.choices[0]?.message.content ?? '';
        model = result.data.model;
        response = result.response;
      } else {
        const body: RoutedStreamBody = { model: 'auto', routing: mode, stream: true, messages: say(`sse ${i}`) };
        const result = await gw.client().chat.completions.create(body).withResponse();
        for await (const chunk of result.data) {
          text += chunk.choices[0]?.delta.content ?? '';
          model = chunk.model;
        }
        response = result.response;
      }
      const headers = routeHeaders(response);
      assert.equal(response.status, 200);
      assert.match(text, /Simulated reply/);
      assert.equal(headers.routing, mode);
      assert.equal(model, headers.model);
      assert.ok(headers.attempts >= 1 && headers.attempts <= 3, `x-op-attempts ${headers.attempts}`);
      figures.ok += 1;
      figures.totalAttempts += headers.attempts;
      figures.attempts.set(headers.attempts, (figures.attempts.get(headers.attempts) ?? 0) + 1);
      figures.served.set(headers.model, (figures.served.get(headers.model) ?? 0) + 1);
    } catch (error) {
      figures.failures.push(`#${i}: ${String(error)}`);
    }
  }
  return figures;
}

function describeRun(run: RunFigures, count: number, sim: Simulator): string {
  const distribution = [...run.attempts.entries()].sort(([a], [b]) => a - b).map(([n, requests]) => `${n}: ${requests}`);
  return (
    `${run.ok}/${count} succeeded (${((100 * run.ok) / count).toFixed(0)} %); x-op-attempts ${distribution.join(', ')}; ` +
    `answered by ${JSON.stringify(Object.fromEntries(run.served))}; upstream calls ${JSON.stringify(sim.stats().byModel)}`
  );
}

describe('cost mode: the cheapest capable model', () => {
  // Price order c-tiny < c-tools < c-vision < c-long < c-wide; each cheaper model lacks something the next has.
  const SPECS: Record<string, ModelSpec> = {
    'c-tiny': { context: 1_000, maxOutput: 500, price: [0.01, 0.02], deployments: [{ provider: 'deepseek', model: 'tiny-up' }] },
    'c-tools': { context: 4_000, maxOutput: 1_000, price: [0.02, 0.04], tools: true, deployments: [{ provider: 'mistral', model: 'tools-up' }] },
    'c-vision': { context: 4_000, maxOutput: 1_000, price: [0.03, 0.06], vision: true, deployments: [{ provider: 'openai', model: 'vision-up' }] },
    'c-long': { context: 64_000, maxOutput: 4_000, price: [0.2, 0.4], deployments: [{ provider: 'google', model: 'long-up' }] },
    'c-wide': {
      context: 200_000,
      maxOutput: 8_000,
      price: [0.5, 1],
      vision: true,
      tools: true,
      deployments: [{ provider: 'xai', model: 'wide-up' }],
    },
  };

  /** Our own answer: filter the catalog above by the request's needs, then minimise the expected cost. */
  function cheapestByHand(needs: { promptTokens: number; maxTokens?: number; vision: boolean; tools: boolean }): string {
    const output = needs.maxTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS;
    const capable = Object.entries(SPECS).filter(
      ([, s]) =>
        s.context >= needs.promptTokens + (needs.maxTokens ?? 0) &&
        (needs.maxTokens === undefined || s.maxOutput >= needs.maxTokens) &&
        (!needs.vision || s.vision === true) &&
        (!needs.tools || s.tools === true),
    );
    const costs = capable.map(([id, s]) => ({ id, usd: (needs.promptTokens * s.price[0] + output * s.price[1]) / 1e6 }));
    costs.sort((a, b) => a.usd - b.usd || (a.id < b.id ? -1 : 1));
    assert.ok(costs[0] !== undefined, 'some model is capable');
    return costs[0].id;
  }

  // ~12k tokens: more than the 1k/4k contexts, well inside c-long's 64k, and quick to tokenize.
  const longText = `Summarise these items: ${Array.from({ length: 3000 }, (_, i) => `item ${i}`).join(', ')}`;

  const cases: Array<{ name: string; body: RoutedBody; vision: boolean; tools: boolean; expected: string; excludedBecause: Record<string, string> }> =
    [
      {
        name: 'plain text',
        body: { model: 'auto', messages: say('Hello there') },
        vision: false,
        tools: false,
        expected: 'c-tiny',
        excludedBecause: {},
      },
      {
        name: 'long-context prompt',
        body: { model: 'auto', messages: say(longText) },
        vision: false,
        tools: false,
        expected: 'c-long',
        excludedBecause: { 'c-tiny': 'context_length', 'c-tools': 'context_length', 'c-vision': 'context_length' },
      },
      {
        name: 'long-output request (max_tokens 2,000)',
        body: { model: 'auto', messages: say('Write a long story'), max_tokens: 2_000 },
        vision: false,
        tools: false,
        expected: 'c-long',
        excludedBecause: { 'c-tiny': 'context_length', 'c-tools': 'max_output_tokens', 'c-vision': 'max_output_tokens' },
      },
      {
        name: 'vision request (data: URL image)',
        body: {
          model: 'auto',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                { type: 'image_url', image_url: { url: PIXEL } },
              ],
            },
          ],
        },
        vision: true,
        tools: false,
        expected: 'c-vision',
        excludedBecause: { 'c-tiny': 'vision', 'c-tools': 'vision', 'c-long': 'vision' },
      },
      {
        name: 'tools request',
        body: { model: 'auto', messages: say('Weather in Paris?'), tools: [WEATHER_TOOL] },
        vision: false,
        tools: true,
        expected: 'c-tools',
        excludedBecause: { 'c-tiny': 'tools', 'c-vision': 'tools', 'c-long': 'tools' },
      },
      {
        name: 'vision and tools request',
        body: {
          model: 'auto',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Weather where this was taken?' },
                { type: 'image_url', image_url: { url: PIXEL } },
              ],
            },
          ],
          tools: [WEATHER_TOOL],
        },
        vision: true,
        tools: true,
        expected: 'c-wide',
        excludedBecause: { 'c-tiny': 'vision', 'c-tools': 'vision', 'c-vision': 'tools', 'c-long': 'vision' },
      },
    ];

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS);
  });
  after(async () => {
    await gw.close();
  });

  for (const c of cases) {
    it(`${c.name} → ${c.expected}`, async () => {
      const body: RoutedBody = { ...c.body, routing: 'cost' };
      const plan = await explain(gw, body);
      assert.equal(plan.mode, 'cost');
      assert.ok(plan.requirements !== null);
      assert.equal(plan.requirements.vision, c.vision);
      assert.equal(plan.requirements.tools, c.tools);
      const byHand = cheapestByHand({
        promptTokens: plan.requirements.prompt_tokens,
        maxTokens: body.max_tokens ?? undefined,
        vision: c.vision,
        tools: c.tools,
      });
      assert.equal(byHand, c.expected);
      assert.equal(plan.candidates[0]?.model, c.expected);
      assert.equal(plan.candidates[0]?.attempt, 1);
      const scores = plan.candidates.map((x) => x.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => a - b),
        'explain lists candidates cheapest first',
      );
      const reasons = Object.fromEntries(plan.excluded.map((e) => [e.model, e.reason]));
      for (const [model, reason] of Object.entries(c.excludedBecause)) assert.equal(reasons[model], reason, `${model} excluded for ${reason}`);

      const { data, response } = await gw.client().chat.completions.create(body).withResponse();
      const headers = routeHeaders(response);
      assert.equal(headers.model, c.expected);
      assert.equal(headers.routing, 'cost');
      assert.equal(headers.attempts, 1);
      assert.equal(headers.provider, SPECS[c.expected]?.deployments[0]?.provider);
      assert.equal(data.model, c.expected);
      assert.equal(data.object, 'chat.completion');
    });
  }

  it('cost is the default mode when neither the body nor the key names one', async () => {
    const { response } = await gw
      .client()
      .chat.completions.create({ model: 'auto', messages: say('hi') })
      .withResponse();
    assert.equal(routeHeaders(response).routing, 'cost');
    assert.equal(routeHeaders(response).model, 'c-tiny');
  });

  it('no capable model → 400 invalid_request naming the requirement', async () => {
    await assert.rejects(gw.client().chat.completions.create({ model: 'auto', messages: say('hi'), max_tokens: 2_000_000 }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.param, 'max_tokens');
      assert.match(error.message, /No model with a 2,000,\d{3}-token context and a 2,000,000-token output limit/);
      return true;
    });
    // The one requirement no model meets: c-wide's context holds 9,000 more tokens but its output stops at 8,000.
    await assert.rejects(gw.client().chat.completions.create({ model: 'auto', messages: say('hi'), max_tokens: 9_000 }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.param, 'max_tokens');
      assert.match(error.message, / No model with a 9,000-token output limit\.$/);
      return true;
    });
  });
});

describe('latency mode: converges on a 10× faster deployment', () => {
  // One model, two deployments: the slow one is listed first, so ties and cold starts favour it.
  const SPECS: Record<string, ModelSpec> = {
    'l-model': {
      context: 100_000,
      maxOutput: 4_000,
      price: [1, 1],
      deployments: [
        { provider: 'openai', model: 'slow-up' },
        { provider: 'groq', model: 'fast-up' },
      ],
    },
  };
  const MAX_REQUESTS = 60;
  const WINDOW = 20;

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS);
    // 24 output tokens: slow ≈ 100 ms + 120 ms, fast ≈ 10 ms + 12 ms.
    simulatorOf(gw).setKnobs('slow-up', { ttftMs: 100, tokensPerSecond: 200 });
    simulatorOf(gw).setKnobs('fast-up', { ttftMs: 10, tokensPerSecond: 2000 });
  });
  after(async () => {
    await gw.close();
  });

  it(`≥ 90 % of ${WINDOW} consecutive requests go to the fast deployment within ${MAX_REQUESTS} requests`, async () => {
    const providers: string[] = [];
    let settledAfter: number | undefined;
    for (let i = 0; i < MAX_REQUESTS; i++) {
      const body: RoutedStreamBody = { model: 'auto', routing: 'latency', stream: true, messages: say(`request ${i}`) };
      const { data: stream, response } = await gw.client().chat.completions.create(body).withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      assert.match(text, /Simulated reply/);
      const headers = routeHeaders(response);
      assert.equal(headers.routing, 'latency');
      assert.equal(headers.model, 'l-model');
      assert.equal(headers.attempts, 1);
      providers.push(headers.provider);
    }
    const onFast = providers.map((p) => p === 'groq');
    for (let k = 0; k + WINDOW <= onFast.length && settledAfter === undefined; k++) {
      if (onFast.slice(k, k + WINDOW).filter(Boolean).length >= 0.9 * WINDOW) settledAfter = k;
    }
    const firstFast = onFast.indexOf(true) + 1;
    const after = settledAfter === undefined ? [] : onFast.slice(settledAfter);
    console.log(
      `# latency mode: first request on the fast deployment: #${firstFast}; settled after ${settledAfter ?? 'never'} request(s) ` +
        `(≥ 90 % of requests ${(settledAfter ?? 0) + 1}-${(settledAfter ?? 0) + WINDOW} on the 10× faster one); from there ${after.filter(Boolean).length}/${after.length} on it; ` +
        `order (F fast, s slow): ${onFast.map((f) => (f ? 'F' : 's')).join('')}`,
    );
    assert.ok(settledAfter !== undefined && settledAfter + WINDOW <= MAX_REQUESTS, `did not settle: ${providers.join(',')}`);

    // The explanation agrees: the fast deployment has the best score and a far lower expected latency.
    const plan = await explain(gw, { model: 'auto', routing: 'latency', messages: say('which one?') });
    const best = [...plan.candidates].sort((a, b) => a.score - b.score)[0];
    const slow = plan.candidates.find((c) => c.upstream_model === 'slow-up');
    assert.equal(best?.upstream_model, 'fast-up');
    assert.ok(slow !== undefined && best !== undefined);
    const ratio = Number(slow.details.latency_ms) / Number(best.details.latency_ms);
    console.log(`# latency mode: expected latency slow/fast = ${ratio.toFixed(1)}× (${slow.details.latency_ms} ms vs ${best.details.latency_ms} ms)`);
    assert.ok(ratio >= 3, `the measured estimates tell them apart (${ratio})`);
  });
});

describe('latency mode: time to first token and output rate are measured apart', () => {
  // For the default 512 expected output tokens the high-TTFT, high-rate deployment is ~9× faster (300 + 256 ms vs
  // 10 + 5,120 ms); for a 4-token answer the low-TTFT one is (10 + 40 ms vs 300 + 2 ms). Each reply is 24 tokens, so
  // if the wait for the first token were folded into the output rate, the high-TTFT one would look slower for both.
  const SPECS: Record<string, ModelSpec> = {
    'w-model': {
      context: 100_000,
      maxOutput: 4_000,
      price: [1, 1],
      deployments: [
        { provider: 'openai', model: 'quickstart-up' },
        { provider: 'groq', model: 'bulk-up' },
      ],
    },
  };

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS);
    simulatorOf(gw).setKnobs('quickstart-up', { ttftMs: 10, tokensPerSecond: 100 });
    simulatorOf(gw).setKnobs('bulk-up', { ttftMs: 300, tokensPerSecond: 2000 });
  });
  after(async () => {
    await gw.close();
  });

  async function streamOnce(i: number): Promise<string> {
    const body: RoutedStreamBody = { model: 'auto', routing: 'latency', stream: true, messages: say(`request ${i}`) };
    const { data: stream, response } = await gw.client().chat.completions.create(body).withResponse();
    for await (const chunk of stream) assert.equal(chunk.object, 'chat.completion.chunk');
    return routeHeaders(response).provider;
  }

  /** The deployment with the best (lowest) expected latency, exploration aside. */
  async function fastestFor(maxTokens: number | undefined): Promise<{ upstream: string; figures: string }> {
    const body: RoutedBody = { model: 'auto', routing: 'latency', messages: say('which one?') };
    if (maxTokens !== undefined) body.max_tokens = maxTokens;
    const plan = await explain(gw, body);
    const ranked = [...plan.candidates].sort((a, b) => a.score - b.score);
    const figures = ranked.map(
      (c) => `${c.upstream_model}: ttft ${c.details.ttft_ms} ms, ${c.details.tokens_per_second} tok/s → ${c.details.latency_ms} ms`,
    );
    return { upstream: ranked[0]?.upstream_model ?? '', figures: figures.join('; ') };
  }

  it('prefers the high-rate deployment for long answers and the quick starter for short ones', async () => {
    const served: string[] = [];
    // Cold start: each deployment is tried once; then a few more requests add evidence.
    for (let i = 0; i < 6; i++) served.push(await streamOnce(i));
    assert.deepEqual(new Set(served.slice(0, 2)), new Set(['openai', 'groq']), 'each deployment is tried once from a cold start');
    // Explicit requests go to the first deployment and feed its health too, so one cold-start sample cannot dominate.
    for (let i = 0; i < 4; i++) {
      const { data, response } = await gw
        .client()
        .chat.completions.create({ model: 'w-model', stream: true, messages: say('explicit') })
        .withResponse();
      for await (const chunk of data) assert.equal(chunk.model, 'w-model');
      assert.equal(routeHeaders(response).routing, 'explicit');
      assert.equal(routeHeaders(response).provider, 'openai');
    }
    const long = await fastestFor(undefined);
    const short = await fastestFor(4);
    console.log(`# latency mode, 512 expected tokens: ${long.figures}`);
    console.log(`# latency mode, max_tokens 4: ${short.figures}`);
    console.log(`# latency mode: served ${served.join(',')}`);
    assert.equal(long.upstream, 'bulk-up');
    assert.equal(short.upstream, 'quickstart-up');
  });
});

describe('reliability mode under faults', () => {
  // Same price; ties break by model id, so the failing deployments are ranked first until the health data says otherwise.
  const SPECS: Record<string, ModelSpec> = {
    'r-a-down': { context: 100_000, maxOutput: 4_000, price: [1, 1], deployments: [{ provider: 'openai', model: 'down-up' }] },
    'r-b-flaky': { context: 100_000, maxOutput: 4_000, price: [1, 1], deployments: [{ provider: 'anthropic', model: 'flaky-up' }] },
    'r-c-steady': { context: 100_000, maxOutput: 4_000, price: [1, 1], deployments: [{ provider: 'google', model: 'steady-up' }] },
  };
  const REQUESTS = 100;

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS);
    simulatorOf(gw).setKnobs('down-up', { errorRate: 1, errorStatus: 500 });
    simulatorOf(gw).setKnobs('flaky-up', { errorRate: 0.3, errorStatus: 529 });
  });
  after(async () => {
    await gw.close();
  });

  it(`every one of ${REQUESTS} requests succeeds while one provider fails 100 % and another 30 %`, async () => {
    const run = await sendMany(gw, 'reliability', REQUESTS);
    const stats = simulatorOf(gw).stats();
    console.log(`# reliability mode: ${describeRun(run, REQUESTS, simulatorOf(gw))}`);
    assert.deepEqual(run.failures, []);
    assert.equal(run.ok, REQUESTS);
    assert.ok(!run.served.has('r-a-down'));
    // Every attempt the headers report reached the simulator, and nothing else did.
    assert.equal(stats.requests, run.totalAttempts);
    // The dead and the flaky provider were tried (ties rank them first) and failed over from.
    assert.ok(run.totalAttempts > REQUESTS, 'some requests needed a failover');
    assert.ok((stats.byModel['down-up'] ?? 0) >= 1 && (stats.byModel['down-up'] ?? 0) <= 5, 'the dead provider is left alone once it has failed');
    assert.ok((stats.byModel['flaky-up'] ?? 0) >= 1);
    const flakyFailures = (stats.byModel['flaky-up'] ?? 0) - (run.served.get('r-b-flaky') ?? 0);
    assert.equal(stats.requests, REQUESTS + flakyFailures + (stats.byModel['down-up'] ?? 0), 'each failed call was failed over');
  });
});

describe('failover when the failing providers rank first (cost mode)', () => {
  // Cost ignores health, so every request tries the 30 %-flaky cheapest model first, then the dead one, then the
  // steady one: the failover path itself is exercised on every unlucky draw.
  const SPECS: Record<string, ModelSpec> = {
    'f-flaky': { context: 100_000, maxOutput: 4_000, price: [0.1, 0.1], deployments: [{ provider: 'anthropic', model: 'flaky-up' }] },
    'f-down': { context: 100_000, maxOutput: 4_000, price: [0.2, 0.2], deployments: [{ provider: 'openai', model: 'down-up' }] },
    'f-steady': { context: 100_000, maxOutput: 4_000, price: [0.3, 0.3], deployments: [{ provider: 'google', model: 'steady-up' }] },
  };
  const REQUESTS = 100;

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS);
    simulatorOf(gw).setKnobs('flaky-up', { errorRate: 0.3, errorStatus: 529 });
    simulatorOf(gw).setKnobs('down-up', { errorRate: 1, errorStatus: 500 });
  });
  after(async () => {
    await gw.close();
  });

  it(`every one of ${REQUESTS} requests succeeds`, async () => {
    const run = await sendMany(gw, 'cost', REQUESTS);
    const stats = simulatorOf(gw).stats();
    const flakyCalls = stats.byModel['flaky-up'] ?? 0;
    const flakyFailures = flakyCalls - (run.served.get('f-flaky') ?? 0);
    console.log(`# failover (cost mode): ${describeRun(run, REQUESTS, simulatorOf(gw))}; flaky-up failed ${flakyFailures}/${flakyCalls} calls`);
    assert.deepEqual(run.failures, []);
    assert.equal(run.ok, REQUESTS);
    assert.ok(!run.served.has('f-down'));
    assert.equal(stats.requests, run.totalAttempts, 'every reported attempt reached an upstream');
    assert.ok(flakyFailures >= 5, 'the flaky provider did fail');
    // Every failed call was followed by a call elsewhere within the same request, and every request ended well.
    const downCalls = stats.byModel['down-up'] ?? 0;
    assert.equal(stats.requests, REQUESTS + flakyFailures + downCalls);
    // The dead provider is next in line after each flaky failure until its circuit opens after 5 failures.
    assert.equal(downCalls, 5, 'the dead provider is skipped once its circuit is open');
  });
});

describe('an explicit model whose only provider is down', () => {
  const SPECS: Record<string, ModelSpec> = {
    'd-failing': { context: 100_000, maxOutput: 4_000, price: [1, 1], deployments: [{ provider: 'xai', model: 'failing-up' }] },
    'd-unreachable': { context: 100_000, maxOutput: 4_000, price: [1, 1], deployments: [{ provider: 'groq', model: 'unreachable-up' }] },
  };

  let gw: TestGateway;
  before(async () => {
    gw = await gatewayWith(SPECS, (config) => {
      // A closed port: connections are refused at once.
      config.providers.groq = { ...config.providers.groq!, apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/openai/v1' };
    });
    simulatorOf(gw).setKnobs('failing-up', { errorRate: 1, errorStatus: 500 });
  });
  after(async () => {
    await gw.close();
  });

  async function unavailable(model: string): Promise<InstanceType<typeof OpenAI.APIError>> {
    let caught: unknown;
    try {
      await gw.client().chat.completions.create({ model, messages: say('anyone there?') });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof OpenAI.APIError, `expected an API error, got ${String(caught)}`);
    assert.equal(caught.status, 503);
    assert.equal(caught.code, 'provider_unavailable');
    return caught;
  }

  it('answers 503 provider_unavailable, then, with the circuit open, 503 with Retry-After without calling the upstream', async () => {
    for (let i = 1; i <= 5; i++) {
      const error = await unavailable('d-failing');
      assert.match(error.message, /Upstream provider error \(500\)/);
      assert.equal(simulatorOf(gw).stats().byModel['failing-up'], i, 'each failure before the circuit opens reaches the upstream');
    }
    const callsBefore = simulatorOf(gw).stats().requests;
    for (let i = 0; i < 3; i++) {
      const error = await unavailable('d-failing');
      assert.match(error.message, /circuit is open/);
      const retryAfter = Number(error.headers?.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${String(retryAfter)}`);
    }
    assert.equal(simulatorOf(gw).stats().requests, callsBefore, 'no upstream call while the circuit is open');
  });

  it('a refused connection counts the same way', async () => {
    for (let i = 0; i < 5; i++) {
      const error = await unavailable('d-unreachable');
      assert.match(error.message, /unreachable/);
    }
    const error = await unavailable('d-unreachable');
    assert.match(error.message, /circuit is open/);
    assert.ok(Number(error.headers?.get('retry-after')) >= 1);
  });
});

describe("the key's default routing mode", () => {
  let gw: TestGateway;
  let latencyKey: string;
  before(async () => {
    gw = await startTestGateway();
    const keys = createKeysService({ db: gw.store.db, onChange: () => gw.keys.invalidate() });
    latencyKey = (await keys.createKey({ email: 'test@example.com', name: 'fast', routing: 'latency' })).secret;
  });
  after(async () => {
    await gw.close();
  });

  async function routingOf(body: RoutedBody, apiKey?: string): Promise<string> {
    const { data, response } = await gw.client(apiKey).chat.completions.create(body).withResponse();
    assert.equal(data.object, 'chat.completion');
    const headers = routeHeaders(response);
    assert.equal(data.model, headers.model);
    return headers.routing;
  }

  it('applies when the body names no mode', async () => {
    assert.equal(await routingOf({ model: 'auto', messages: say('hi') }, latencyKey), 'latency');
    assert.equal((await explain(gw, { model: 'auto', messages: say('hi') }, latencyKey)).mode, 'latency');
  });

  it("the body's routing overrides it", async () => {
    assert.equal(await routingOf({ model: 'auto', routing: 'reliability', messages: say('hi') }, latencyKey), 'reliability');
    const body: RoutedBody = { model: 'auto', routing: 'cost', messages: say('hi') };
    const plan = await explain(gw, body, latencyKey);
    assert.equal(plan.mode, 'cost');
    const { response } = await gw.client(latencyKey).chat.completions.create(body).withResponse();
    assert.equal(routeHeaders(response).routing, 'cost');
    assert.equal(routeHeaders(response).model, plan.candidates[0]?.model);
  });

  it('a key without a default gets cost; an explicit model is routed as explicit', async () => {
    assert.equal(await routingOf({ model: 'auto', messages: say('hi') }), 'cost');
    assert.equal(await routingOf({ model: 'gpt-4o-mini', messages: say('hi') }, latencyKey), 'explicit');
  });

  it('no capable model in the default catalog → 400 naming the requirement', async () => {
    await assert.rejects(
      gw.client(latencyKey).chat.completions.create({ model: 'auto', messages: say('hi'), max_tokens: 2_000_000 }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError, String(error));
        assert.equal(error.code, 'invalid_request');
        assert.equal(error.param, 'max_tokens');
        assert.match(error.message, /No model with a 2,000,\d{3}-token context and a 2,000,000-token output limit/);
        return true;
      },
    );
  });
});
