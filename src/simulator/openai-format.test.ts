import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { validateOpenAI } from '../../test/openai-schemas.js';
import { arr, obj, post, PROVIDER_HEADERS, parseSse, readFixtureJson, sseJson } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const auth = PROVIDER_HEADERS.openai;
const simulator = useSimulator('/openai/v1/chat/completions');

const messages = [
  { role: 'system', content: 'Be brief.' }, // 9 chars → 3 + 3
  { role: 'user', content: 'one two three' }, // 13 chars → 4 + 3
];
const promptTokens = 3 + 3 + 4 + 3;

function firstChoice(body: unknown): Record<string, unknown> {
  return obj(arr(obj(body).choices)[0]);
}

describe('OpenAI format, non-streaming', () => {
  it('answers a chat.completion that matches the schema and the recorded shape', async () => {
    const response = await post(simulator.endpoint, auth, { model: 'gpt-4o-mini', messages });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    const body = obj(await response.json());
    validateOpenAI('CreateChatCompletionResponse', body);
    for (const key of Object.keys(obj(readFixtureJson('openai-text.json')))) assert.ok(key in body, key);
    assert.match(String(body.id), /^chatcmpl-[A-Za-z0-9]{29}$/);
    assert.equal(body.model, 'gpt-4o-mini');
    const choice = firstChoice(body);
    assert.equal(obj(choice.message).content, 'Simulated reply from gpt-4o-mini: one two three one');
    assert.equal(choice.finish_reason, 'stop');
    const usage = obj(body.usage);
    assert.equal(usage.prompt_tokens, promptTokens);
    assert.equal(usage.completion_tokens, 8);
    assert.equal(usage.total_tokens, promptTokens + 8);
  });

  it('serves every OpenAI-compatible provider prefix', async () => {
    for (const provider of ['openai', 'mistral', 'deepseek', 'xai', 'groq', 'deepinfra']) {
      const response = await post(`${simulator.sim.url}/${provider}/v1/chat/completions`, auth, { model: `${provider}-m`, messages });
      assert.equal(response.status, 200, provider);
      assert.equal(obj(await response.json()).model, `${provider}-m`);
    }
  });

  it('cuts at max_completion_tokens (over max_tokens) with finish_reason length', async () => {
    const response = await post(simulator.endpoint, auth, { model: 'm', messages, max_tokens: 6, max_completion_tokens: 3 });
    const body = obj(await response.json());
    assert.equal(firstChoice(body).finish_reason, 'length');
    assert.equal(obj(firstChoice(body).message).content, 'Simulated reply from');
    assert.equal(obj(body.usage).completion_tokens, 3);
  });

  it('stops before a stop string with finish_reason stop', async () => {
    const response = await post(simulator.endpoint, auth, { model: 'm', messages, stop: 'three' });
    const choice = firstChoice(await response.json());
    assert.equal(obj(choice.message).content, 'Simulated reply from m: one two ');
    assert.equal(choice.finish_reason, 'stop');
  });

  it('rejects a missing or empty bearer key with 401', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer ' }, { authorization: 'Basic abc' }];
    for (const headers of attempts) {
      const response = await post(simulator.endpoint, headers, { model: 'm', messages });
      assert.equal(response.status, 401);
      validateOpenAI('ErrorResponse', await response.json());
    }
  });

  it('rejects malformed JSON and invalid bodies with 400 in OpenAI shape', async () => {
    for (const body of ['{"model":', { model: 'm' }, { model: 'm', messages: [] }, { messages }, { model: 'm', messages, max_tokens: 0 }]) {
      const response = await post(simulator.endpoint, auth, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = obj(obj(await response.json()).error);
      assert.equal(error.type, 'invalid_request_error');
      validateOpenAI('ErrorResponse', { error });
    }
  });

  it('fails by the error knob with the knob status', async () => {
    simulator.sim.setKnobs('*', { errorRate: 1, errorStatus: 503 });
    const response = await post(simulator.endpoint, auth, { model: 'm', messages });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), null);
    const body = await response.json();
    validateOpenAI('ErrorResponse', body);
    assert.equal(obj(obj(body).error).type, 'server_error');
  });

  it('sends retry-after: 1 with an injected 429', async () => {
    simulator.sim.setKnobs('*', { errorRate: 1, errorStatus: 429 });
    const response = await post(simulator.endpoint, auth, { model: 'm', messages });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal(obj(obj(await response.json()).error).code, 'rate_limit_exceeded');
  });
});

describe('OpenAI format, streaming', () => {
  it('streams role chunk, content deltas, finish chunk, usage chunk, [DONE]', async () => {
    const response = await post(simulator.endpoint, auth, {
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await response.text();
    const events = parseSse(text);
    assert.ok(events.every((event) => event.event === undefined));
    assert.equal(events.at(-1)?.data, '[DONE]');
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const chunks = sseJson(text).map(obj);
    for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    assert.equal(new Set(chunks.map((chunk) => chunk.id)).size, 1);

    assert.deepEqual(obj(firstChoice(chunks[0]).delta), { role: 'assistant', content: '', refusal: null });
    const content = chunks.slice(1, -2).map((chunk) => obj(firstChoice(chunk).delta).content);
    assert.equal(content.length, 8);
    assert.equal(content.join(''), 'Simulated reply from gpt-4o-mini: one two three one');
    const finish = firstChoice(chunks.at(-2));
    assert.deepEqual(finish.delta, {});
    assert.equal(finish.finish_reason, 'stop');
    const usageChunk = obj(chunks.at(-1));
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(obj(usageChunk.usage).prompt_tokens, promptTokens);
    assert.equal(obj(usageChunk.usage).completion_tokens, 8);
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  });

  it('sends no usage chunk without include_usage, and finishes with length when cut', async () => {
    const response = await post(simulator.endpoint, auth, { model: 'm', messages, stream: true, max_tokens: 2 });
    const chunks = sseJson(await response.text()).map(obj);
    assert.equal(chunks.length, 1 + 2 + 1);
    assert.ok(chunks.every((chunk) => !('usage' in chunk)));
    assert.equal(firstChoice(chunks.at(-1)).finish_reason, 'length');
  });

  it('breaks off with an in-band error and no [DONE] when midStreamError is set', async () => {
    simulator.sim.setKnobs('m', { midStreamError: true });
    const response = await post(simulator.endpoint, auth, { model: 'm', messages, stream: true });
    assert.equal(response.status, 200);
    const events = parseSse(await response.text());
    assert.ok(events.every((event) => event.data !== '[DONE]'));
    const payloads = events.map((event) => obj(JSON.parse(event.data)));
    const last = payloads.at(-1);
    validateOpenAI('ErrorResponse', last);
    assert.ok(payloads.length > 2, 'some content chunks come before the error');
    assert.ok(payloads.slice(0, -1).every((payload) => payload.object === 'chat.completion.chunk'));
  });
});

describe('OpenAI SDK against the simulator', () => {
  const client = (): OpenAI => new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.sim.url}/openai/v1`, maxRetries: 0 });

  it('completes and streams', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0]?.message.content, 'Simulated reply from gpt-4o: hi hi hi hi');
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let completionTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    assert.equal(text, completion.choices[0]?.message.content);
    assert.equal(completionTokens, 8);
  });

  it('raises on the mid-stream error event', async () => {
    simulator.sim.setKnobs('*', { midStreamError: true });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    await assert.rejects(async () => {
      for await (const chunk of stream) assert.ok(chunk);
    }, OpenAI.APIError);
  });
});
