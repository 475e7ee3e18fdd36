/**
 * OpenRouter's request controls end to end (issue 19), through the official `openai` SDK (our fields ride in the body
 * as `extra_body` would send them: a params type extended with them) and `@anthropic-ai/sdk`, against a real gateway
 * and the simulator: the `models` fallback list (order, failover on a retryable failure, `model` optional, the
 * answering model and `x-op-attempts`), every `provider` preference (order, only, ignore, allow_fallbacks, sort,
 * max_price, require_parameters), an API key's default preferences under the request's, the Responses and Messages
 * doors, `/v1/routing/explain`, and the bad inputs (400 naming the field). The default catalog's `llama-4-maverick`
 * (Groq and DeepInfra) shows `provider.order` in the default setup.
 *
 * The test catalog gives each scenario its own upstream model names, so the simulator's knobs and the circuit
 * breakers of one test never reach another.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ResponseCreateParamsNonStreaming } from 'openai/resources/responses/responses';
import { createKeysService } from '../../src/auth/index.js';
import type { Deployment, ModelConfig } from '../../src/config/types.js';
import type { ProviderPreferences } from '../../src/core/chat-request.js';
import type { RouteExplanation } from '../../src/routing/explain.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicClient, anthropicError } from '../helpers/messages.js';

/** Our extensions, as a client adds them to the SDK's params (Python: `extra_body={...}`). */
interface Controls {
  models?: string[];
  provider?: ProviderPreferences;
  routing?: 'cost' | 'latency' | 'reliability';
  /** OpenRouter's older companion of `models`: accepted, changes nothing. */
  route?: 'fallback';
}
type Body = ChatCompletionCreateParamsNonStreaming & Controls;
type StreamBody = ChatCompletionCreateParamsStreaming & Controls;
/** A body without `model`: OpenRouter's form when `models` is given (sent with the SDK's generic `post`). */
type ModelsOnlyBody = Omit<Body, 'model'> & { models: string[] };

function model(id: string, price: [number, number], deployments: Deployment[], vision = true): ModelConfig {
  return {
    id,
    owned_by: 'test',
    created: 0,
    context_length: 128_000,
    max_output_tokens: 8_192,
    pricing: { input_per_million: price[0], output_per_million: price[1] },
    capabilities: { vision, tools: true },
    deployments,
  };
}

const on = (provider: string, upstream: string): Deployment => ({ provider, model: upstream });

/** The test catalog: `alpha` on three OpenAI-format providers, the rest one deployment each, distinct upstream names. */
const CATALOG: ModelConfig[] = [
  model('alpha', [1, 2], [on('openai', 'alpha-openai'), on('groq', 'alpha-groq'), on('deepinfra', 'alpha-deepinfra')]),
  model('beta', [3, 15], [on('anthropic', 'beta-anthropic'), on('openai', 'beta-openai')]),
  model('gamma', [0.1, 0.4], [on('google', 'gamma-google')]),
  model('delta', [0.5, 1], [on('mistral', 'delta-mistral')], false),
  model('fo1', [1, 1], [on('anthropic', 'fo1-anthropic')]),
  model('fo2', [1, 1], [on('google', 'fo2-google')]),
  model('fo3', [1, 1], [on('openai', 'fo3-openai')]),
  model('stream1', [1, 1], [on('anthropic', 'stream1-anthropic')]),
  model('stream2', [1, 1], [on('google', 'stream2-google')]),
  model('stream3', [1, 1], [on('openai', 'stream3-openai')]),
  model('resp1', [1, 1], [on('anthropic', 'resp1-anthropic')]),
  model('resp2', [1, 1], [on('openai', 'resp2-openai')]),
  model('msg1', [1, 1], [on('google', 'msg1-google')]),
  model('msg2', [1, 1], [on('anthropic', 'msg2-anthropic')]),
  model('order', [1, 2], [on('openai', 'order-openai'), on('groq', 'order-groq'), on('deepinfra', 'order-deepinfra')]),
  model('strict', [1, 2], [on('openai', 'strict-openai'), on('groq', 'strict-groq'), on('deepinfra', 'strict-deepinfra')]),
  model('only', [1, 2], [on('openai', 'only-openai'), on('groq', 'only-groq')]),
];

const say = (content: string): Body['messages'] => [{ role: 'user', content }];

function simulatorOf(gw: TestGateway): Simulator {
  assert.ok(gw.simulator !== undefined, 'the test gateway runs the simulator');
  return gw.simulator;
}

/** Calls made to each upstream model since the gateway started. */
function callsTo(gw: TestGateway, upstream: string): number {
  return simulatorOf(gw).stats().byModel[upstream] ?? 0;
}

/** The routing headers of an answer. */
function routed(response: Response): { model: string | null; provider: string | null; attempts: string | null; routing: string | null } {
  const get = (name: string): string | null => response.headers.get(name);
  return { model: get('x-op-model'), provider: get('x-op-provider'), attempts: get('x-op-attempts'), routing: get('x-op-routing') };
}

/** A chat completion with our fields (a `Body` value is not an object literal, so no excess-property check). */
function chat(client: OpenAI, body: Body) {
  return client.chat.completions.create(body);
}

/** The OpenAI-shaped 400 a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; param: string | null | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, String(error));
    return { status: error.status ?? 0, param: error.param, message: error.message };
  }
  assert.fail('expected the call to be refused');
}

describe('request controls on a test catalog', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway((config) => {
      config.models = CATALOG;
    });
  });
  afterEach(() => {
    simulatorOf(gw).resetKnobs();
  });
  after(async () => {
    await gw.close();
  });

  describe('models: the fallback list', () => {
    it('without `model`: the first listed answers; on its retryable failure the next, in order; `model` is the one that answered', async () => {
      simulatorOf(gw).setKnobs('fo1-anthropic', { errorRate: 1, errorStatus: 503 });
      const body: ModelsOnlyBody = { models: ['fo1', 'fo2', 'fo3'], route: 'fallback', messages: say('who answers?') };
      const { data, response } = await gw.client().post<OpenAI.ChatCompletion>('/chat/completions', { body }).withResponse();
      assert.equal(data.model, 'fo2');
      assert.ok((data.choices[0]?.message.content ?? '').length > 0);
      assert.deepEqual(routed(response), { model: 'fo2', provider: 'google', attempts: '2', routing: 'explicit' });
      assert.equal(callsTo(gw, 'fo1-anthropic'), 1);
      assert.equal(callsTo(gw, 'fo2-google'), 1);
      assert.equal(callsTo(gw, 'fo3-openai'), 0, 'the list stops at the first answer');
    });

    it('streams from the third when the first two fail, `model` tried before `models`', async () => {
      simulatorOf(gw).setKnobs('stream1-anthropic', { errorRate: 1, errorStatus: 529 });
      simulatorOf(gw).setKnobs('stream2-google', { errorRate: 1, errorStatus: 500 });
      const body: StreamBody = { model: 'stream1', models: ['stream2', 'stream3'], stream: true, messages: say('stream it') };
      const { data, response } = await gw.client().chat.completions.create(body).withResponse();
      let text = '';
      const models = new Set<string>();
      for await (const chunk of data) {
        models.add(chunk.model);
        text += chunk.choices[0]?.delta.content ?? '';
      }
      assert.ok(text.length > 0);
      assert.deepEqual([...models], ['stream3']);
      assert.equal(routed(response).attempts, '3');
      assert.deepEqual(
        ['stream1-anthropic', 'stream2-google', 'stream3-openai'].map((upstream) => callsTo(gw, upstream)),
        [1, 1, 1],
      );
    });

    it('a healthy first choice answers alone', async () => {
      const before = callsTo(gw, 'gamma-google');
      const { data, response } = await chat(gw.client(), { model: 'delta', models: ['gamma'], messages: say('first') }).withResponse();
      assert.equal(data.model, 'delta');
      assert.equal(routed(response).attempts, '1');
      assert.equal(callsTo(gw, 'gamma-google'), before);
    });

    it('refuses bad lists with a 400 naming the field, before any upstream call', async () => {
      const client = gw.client();
      const calls = simulatorOf(gw).stats().requests;
      const auto = await refusal(chat(client, { model: 'auto', models: ['alpha'], messages: say('x') }));
      assert.deepEqual([auto.status, auto.param], [400, 'models']);
      assert.match(auto.message, /Pick one/);
      const unknown = await refusal(chat(client, { model: 'alpha', models: ['nope'], messages: say('x') }));
      assert.deepEqual([unknown.status, unknown.param], [400, 'models']);
      const none = await refusal(client.post('/chat/completions', { body: { messages: say('x') } }));
      assert.deepEqual([none.status, none.param], [400, 'model']);
      const tooMany = await refusal(chat(client, { model: 'alpha', models: Array(9).fill('beta'), messages: say('x') }));
      assert.deepEqual([tooMany.status, tooMany.param], [400, 'models']);
      assert.equal(simulatorOf(gw).stats().requests, calls);
    });
  });

  describe('provider: preferences', () => {
    it('order tries the listed providers first, then fails over to the next in that order', async () => {
      const client = gw.client();
      const first = await chat(client, { model: 'order', messages: say('a'), provider: { order: ['deepinfra', 'groq'] } }).withResponse();
      assert.equal(routed(first.response).provider, 'deepinfra');
      simulatorOf(gw).setKnobs('order-deepinfra', { errorRate: 1, errorStatus: 503 });
      const next = await chat(client, { model: 'order', messages: say('b'), provider: { order: ['deepinfra', 'groq'] } }).withResponse();
      assert.deepEqual([routed(next.response).provider, routed(next.response).attempts], ['groq', '2']);
      assert.equal(callsTo(gw, 'order-openai'), 0);
    });

    it('allow_fallbacks false answers the first choice’s failure instead of trying another provider', async () => {
      simulatorOf(gw).setKnobs('strict-openai', { errorRate: 1, errorStatus: 503 });
      const failed = await refusal(chat(gw.client(), { model: 'strict', messages: say('c'), provider: { allow_fallbacks: false } }));
      assert.ok(failed.status >= 500, `a provider error, got ${failed.status}`);
      assert.equal(callsTo(gw, 'strict-groq') + callsTo(gw, 'strict-deepinfra'), 0);
      const ordered = await chat(gw.client(), {
        model: 'strict',
        messages: say('d'),
        provider: { order: ['groq', 'deepinfra'], allow_fallbacks: false },
      }).withResponse();
      assert.equal(routed(ordered.response).provider, 'groq');
    });

    it('only and ignore choose the providers; nothing outside `only` is tried', async () => {
      const client = gw.client();
      const ignored = await chat(client, { model: 'alpha', messages: say('e'), provider: { ignore: ['OpenAI'] } }).withResponse();
      assert.equal(routed(ignored.response).provider, 'groq');
      simulatorOf(gw).setKnobs('only-groq', { errorRate: 1, errorStatus: 503 });
      const failed = await refusal(chat(client, { model: 'only', messages: say('f'), provider: { only: ['groq'] } }));
      assert.ok(failed.status >= 500);
      assert.equal(callsTo(gw, 'only-openai'), 0);
    });

    it('sort wins over `routing` with model "auto", and is named in x-op-routing', async () => {
      const client = gw.client();
      const cheapest = await chat(client, { model: 'auto', routing: 'latency', messages: say('g'), provider: { sort: 'price' } }).withResponse();
      assert.deepEqual([cheapest.data.model, routed(cheapest.response).routing], ['gamma', 'cost']);
      const fastest = await chat(client, { model: 'auto', messages: say('h'), provider: { sort: 'throughput' } }).withResponse();
      assert.equal(routed(fastest.response).routing, 'throughput');
    });

    it('max_price keeps to deployments at or below it, and refuses a request nothing that cheap can serve', async () => {
      const client = gw.client();
      const cheap = await chat(client, {
        model: 'auto',
        routing: 'reliability',
        messages: say('i'),
        provider: { max_price: { prompt: 0.2, completion: '0.5' } },
      }).withResponse();
      assert.equal(cheap.data.model, 'gamma');
      const calls = simulatorOf(gw).stats().requests;
      const over = await refusal(chat(client, { model: 'beta', messages: say('j'), provider: { max_price: { completion: 1 } } }));
      assert.deepEqual([over.status, over.param], [400, 'provider.max_price']);
      assert.match(over.message, /at or below `provider.max_price`.*the cheapest is beta/);
      const negative = await refusal(chat(client, { model: 'beta', messages: say('k'), provider: { max_price: { prompt: -1 } } }));
      assert.deepEqual([negative.status, negative.param], [400, 'provider.max_price.prompt']);
      assert.equal(simulatorOf(gw).stats().requests, calls, 'no upstream call for a refused price');
    });

    it('require_parameters skips a deployment that would drop a parameter the request sets', async () => {
      const client = gw.client();
      const plain = await chat(client, { model: 'beta', seed: 7, messages: say('l') }).withResponse();
      assert.equal(routed(plain.response).provider, 'anthropic', 'without it, the first deployment (which drops seed)');
      const strict = await chat(client, { model: 'beta', seed: 7, messages: say('m'), provider: { require_parameters: true } }).withResponse();
      assert.equal(routed(strict.response).provider, 'openai');
    });

    it('refuses unknown providers, sorts and unsupported fields with a 400 naming the field', async () => {
      const client = gw.client();
      const cases: Array<[ProviderPreferences, string]> = [
        [{ order: ['together'] }, 'provider.order'],
        [{ only: ['nope'] }, 'provider.only'],
        [{ ignore: ['nope'] }, 'provider.ignore'],
        [{ sort: 'fastest' } as unknown as ProviderPreferences, 'provider.sort'],
        [{ zdr: true }, 'provider.zdr'],
        [{ only: ['anthropic'] }, 'provider.only'],
      ];
      for (const [provider, param] of cases) {
        const refused = await refusal(chat(client, { model: 'alpha', messages: say('n'), provider }));
        assert.deepEqual([refused.status, refused.param], [400, param], JSON.stringify(provider));
      }
    });
  });

  it("an API key's default preferences apply under the request's own, field by field", async () => {
    const keys = createKeysService({ db: gw.store.db, onChange: () => gw.keys.invalidate() });
    const created = await keys.createKey({ accountId: gw.accountId, name: 'routed', provider: { ignore: ['openai'], order: ['deepinfra'] } });
    const client = gw.client(created.secret);
    const byDefault = await chat(client, { model: 'alpha', messages: say('o') }).withResponse();
    assert.equal(routed(byDefault.response).provider, 'deepinfra');
    const overridden = await chat(client, { model: 'alpha', messages: say('p'), provider: { order: ['groq'] } }).withResponse();
    assert.equal(routed(overridden.response).provider, 'groq', "the request's order replaces the key's");
    const refused = await refusal(chat(client, { model: 'alpha', messages: say('q'), provider: { only: ['openai'] } }));
    assert.deepEqual([refused.status, refused.param], [400, 'provider.ignore'], "the key's ignore still applies");
    assert.match(refused.message, /this API key's default/);
  });

  it('/v1/routing/explain shows the order, the attempts and why deployments were left out', async () => {
    const body: Body = { model: 'alpha', models: ['beta'], messages: say('r'), provider: { ignore: ['groq'], max_price: { completion: 5 } } };
    const plan = await gw.client().post<RouteExplanation>('/routing/explain', { body });
    assert.equal(plan.mode, 'explicit');
    assert.deepEqual(
      plan.candidates.map((c) => [c.model, c.provider, c.attempt]),
      [
        ['alpha', 'openai', 1],
        ['alpha', 'deepinfra', 2],
      ],
    );
    assert.deepEqual(
      plan.excluded.map((e) => [e.model, e.provider, e.reason]),
      [
        ['alpha', 'groq', 'provider_ignored'],
        ['beta', 'anthropic', 'max_price'],
        ['beta', 'openai', 'max_price'],
      ],
    );
    assert.match(plan.excluded[1]?.detail ?? '', /above provider.max_price \(prompt \$3, completion \$15/);
  });

  it('the Responses door takes `models` and `provider` too', async () => {
    simulatorOf(gw).setKnobs('resp1-anthropic', { errorRate: 1, errorStatus: 503 });
    const params: ResponseCreateParamsNonStreaming & Controls = { model: 'resp1', models: ['resp2'], input: 'hello', store: false };
    const { data, response } = await gw.client().responses.create(params).withResponse();
    assert.equal(data.model, 'resp2');
    assert.equal(data.status, 'completed');
    assert.equal(routed(response).attempts, '2');
    const refused = await refusal(
      gw.client().responses.create({ model: 'alpha', input: 'x', provider: { only: ['nope'] } } as ResponseCreateParamsNonStreaming & Controls),
    );
    assert.deepEqual([refused.status, refused.param], [400, 'provider.only']);
  });

  it('the Messages door takes `models` and `provider` too (Anthropic refuses unknown fields, the door accepts these)', async () => {
    simulatorOf(gw).setKnobs('msg1-google', { errorRate: 1, errorStatus: 503 });
    const client = anthropicClient(gw);
    const params: Anthropic.MessageCreateParamsNonStreaming & Controls = {
      model: 'msg1',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      models: ['msg2'],
      provider: { sort: 'price' },
    };
    const message = await client.messages.create(params);
    assert.equal(message.model, 'msg2');
    assert.equal(message.type, 'message');
    const badProvider: Anthropic.MessageCreateParamsNonStreaming & Controls = { ...params, models: undefined, provider: { order: ['nope'] } };
    const refused = await anthropicError(client.messages.create(badProvider));
    assert.equal(refused.status, 400);
    assert.deepEqual((refused.error as { error?: { type?: string } }).error?.type, 'invalid_request_error');
    assert.match(refused.message, /Unknown provider `nope` in `provider.order`/);
  });
});

describe("request controls on the default catalog's llama-4-maverick (Groq and DeepInfra)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('provider.order moves it to DeepInfra; provider.only keeps it on Groq', async () => {
    const client = gw.client();
    const deepinfra = await chat(client, { model: 'llama-4-maverick', messages: say('s'), provider: { order: ['deepinfra'] } }).withResponse();
    assert.deepEqual([deepinfra.data.model, routed(deepinfra.response).provider], ['llama-4-maverick', 'deepinfra']);
    const groq = await chat(client, { model: 'llama-4-maverick', messages: say('t'), provider: { only: ['groq'] } }).withResponse();
    assert.equal(routed(groq.response).provider, 'groq');
  });
});
