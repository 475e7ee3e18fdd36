import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { validateOpenAI } from '../../test/openai-schemas.js';
import { REFUSAL_TEXT } from './reply.js';
import { arr, assembleOpenAIStream, obj, post, PROVIDER_HEADERS, sseJson } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const auth = PROVIDER_HEADERS.openai;
const simulator = useSimulator('/openai/v1/chat/completions');

const user = { role: 'user', content: 'Weather in Paris' };
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        units: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
        alerts: { type: 'boolean' },
        where: { type: 'object', properties: { lat: { type: 'number' }, label: { type: 'string' } }, required: ['lat'] },
        note: { type: 'string' },
      },
      required: ['city', 'units', 'days', 'alerts', 'where'],
    },
  },
};
const timeTool = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };

async function complete(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(simulator.endpoint, auth, { model: 'gpt-4o', ...body });
  assert.equal(response.status, 200, await response.clone().text());
  const json = obj(await response.json());
  validateOpenAI('CreateChatCompletionResponse', json);
  return json;
}

async function streamChunks(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const response = await post(simulator.endpoint, auth, { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, ...body });
  assert.equal(response.status, 200);
  const chunks = sseJson(await response.text()).map(obj);
  for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
  return chunks;
}

function choices(body: Record<string, unknown>): Record<string, unknown>[] {
  return arr(body.choices).map(obj);
}

function message(body: Record<string, unknown>, index = 0): Record<string, unknown> {
  return obj(choices(body)[index]?.message);
}

function usage(body: Record<string, unknown>): Record<string, unknown> {
  return obj(body.usage);
}

async function expect400(body: Record<string, unknown>, pattern: RegExp): Promise<void> {
  const response = await post(simulator.endpoint, auth, { model: 'gpt-4o', ...body });
  assert.equal(response.status, 400);
  const error = await response.json();
  validateOpenAI('ErrorResponse', error);
  assert.match(String(obj(obj(error).error).message), pattern);
}

describe('OpenAI format: tool calls', () => {
  it('calls the first tool with arguments built from its schema', async () => {
    const body = await complete({ messages: [user], tools: [weatherTool, timeTool] });
    const choice = choices(body)[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    const msg = message(body);
    assert.equal(msg.content, null);
    const [call] = arr(msg.tool_calls).map(obj);
    assert.match(String(call?.id), /^call_[A-Za-z0-9]{24}$/);
    assert.equal(call?.type, 'function');
    const fn = obj(call?.function);
    assert.equal(fn.name, 'get_weather');
    assert.deepEqual(JSON.parse(String(fn.arguments)), {
      city: 'Weather',
      units: 'celsius',
      days: 1,
      alerts: true,
      where: { lat: 1 },
    });
    assert.ok(Number(usage(body).completion_tokens) > 0);
  });

  it('honours tool_choice: none answers text, a named function is called, an unknown name is a 400', async () => {
    const none = await complete({ messages: [user], tools: [weatherTool], tool_choice: 'none' });
    assert.equal(choices(none)[0]?.finish_reason, 'stop');
    assert.match(String(message(none).content), /^Simulated reply/);
    const named = await complete({
      messages: [user],
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const calls = arr(message(named).tool_calls).map(obj);
    assert.equal(obj(calls[0]?.function).name, 'get_time');
    assert.equal(obj(calls[0]?.function).arguments, '{}');
    await expect400({ messages: [user], tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'nope' } } }, /nope/);
    await expect400({ messages: [user], tool_choice: 'auto' }, /only allowed when 'tools' are specified/);
  });

  it('makes parallelToolCalls calls, cycling the tools, unless parallel_tool_calls is false', async () => {
    simulator.sim.setKnobs('gpt-4o', { parallelToolCalls: 3 });
    const body = await complete({ messages: [user], tools: [weatherTool, timeTool], tool_choice: 'required' });
    const calls = arr(message(body).tool_calls).map((call) => obj(obj(call).function).name);
    assert.deepEqual(calls, ['get_weather', 'get_time', 'get_weather']);
    const ids = arr(message(body).tool_calls).map((call) => obj(call).id);
    assert.equal(new Set(ids).size, 3);
    const single = await complete({ messages: [user], tools: [weatherTool, timeTool], parallel_tool_calls: false });
    assert.equal(arr(message(single).tool_calls).length, 1);
  });

  it('answers a tool result with text that mentions it', async () => {
    simulator.sim.setKnobs('*', { outputTokens: 12 });
    const body = await complete({
      messages: [
        user,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny and 22 degrees' },
      ],
      tools: [weatherTool],
    });
    assert.equal(choices(body)[0]?.finish_reason, 'stop');
    assert.equal(message(body).content, 'Simulated reply from gpt-4o: The tool returned: Sunny and 22 degrees Sunny');
    assert.equal(message(body).tool_calls, undefined);
  });

  it('rejects tool messages that answer no call and calls left unanswered', async () => {
    await expect400({ messages: [user, { role: 'tool', tool_call_id: 'x', content: 'r' }] }, /must be a response to a preceding message/);
    const call = { id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } };
    await expect400({ messages: [user, { role: 'assistant', tool_calls: [call] }, user] }, /did not have response messages: call_9/);
  });

  it('streams a header chunk per call, then argument fragments, then finish_reason tool_calls', async () => {
    simulator.sim.setKnobs('gpt-4o', { parallelToolCalls: 2 });
    const chunks = await streamChunks({ messages: [user], tools: [weatherTool] });
    assert.deepEqual(obj(choices(chunks[0] ?? {})[0]).delta, { role: 'assistant', content: null, refusal: null });
    const header = obj(arr(obj(choices(chunks[1] ?? {})[0]?.delta).tool_calls)[0]);
    assert.equal(header.index, 0);
    assert.match(String(header.id), /^call_/);
    assert.deepEqual(header.function, { name: 'get_weather', arguments: '' });
    const [assembled] = assembleOpenAIStream(chunks);
    assert.equal(assembled?.finish, 'tool_calls');
    assert.equal(assembled?.content, '');
    assert.equal(assembled?.toolCalls.length, 2);
    for (const call of assembled?.toolCalls ?? []) {
      assert.ok(call.fragments >= 2, 'arguments arrive in several fragments');
      assert.equal(call.name, 'get_weather');
      assert.equal(obj(JSON.parse(call.arguments)).units, 'celsius');
    }
    assert.ok(Number(obj(chunks.at(-1)?.usage).completion_tokens) > 0);
  });

  it('accumulates through the openai SDK stream helper', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.sim.url}/openai/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris' }],
      tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === 'function' ? call.function.name : undefined, 'get_time');
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  });
});

describe('OpenAI format: images', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  const content = [
    { type: 'text', text: 'one two three' }, // 13 chars → 4 + 3
    { type: 'image_url', image_url: { url: png } },
    { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
  ];

  it('counts data: and https images in prompt tokens and says how many it sees', async () => {
    const body = await complete({ messages: [{ role: 'user', content }] });
    assert.equal(usage(body).prompt_tokens, 4 + 3 + 765 + 85);
    assert.equal(message(body).content, 'Simulated reply from gpt-4o: I see 2 images.');
    const one = await complete({ messages: [{ role: 'user', content: content.slice(0, 2) }] });
    assert.match(String(message(one).content), /: I see 1 image\.$/);
  });

  it('rejects an image URL that is neither data: nor http(s), and images outside user messages', async () => {
    const bad = [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }];
    await expect400({ messages: [{ role: 'user', content: bad }] }, /Invalid image URL/);
    await expect400({ messages: [{ role: 'system', content: content.slice(1, 2) }, user] }, /only allowed in messages with role 'user'/);
  });
});

describe('OpenAI format: n choices', () => {
  it('answers n choices, each with its index and its own text, usage summed', async () => {
    const body = await complete({ messages: [{ role: 'user', content: 'one two three' }], n: 3 });
    const list = choices(body);
    assert.deepEqual(
      list.map((choice) => choice.index),
      [0, 1, 2],
    );
    const texts = list.map((choice) => obj(choice.message).content);
    assert.equal(texts[0], 'Simulated reply from gpt-4o: one two three one');
    assert.equal(texts[1], 'Simulated reply from gpt-4o: two three one two');
    assert.equal(new Set(texts).size, 3);
    assert.equal(usage(body).completion_tokens, 24);
  });

  it('streams per-index chunks that rebuild the same choices', async () => {
    const request = { messages: [{ role: 'user', content: 'one two three' }], n: 2 };
    const whole = await complete(request);
    const chunks = await streamChunks(request);
    const rolesByIndex = chunks.flatMap((chunk) =>
      choices(chunk)
        .filter((choice) => obj(choice.delta).role === 'assistant')
        .map((choice) => choice.index),
    );
    assert.deepEqual(rolesByIndex, [0, 1]);
    assert.ok(
      chunks.every((chunk) => choices(chunk).length <= 1),
      'one choice per chunk',
    );
    const assembled = assembleOpenAIStream(chunks);
    assert.deepEqual(
      assembled.map((choice) => choice.content),
      choices(whole).map((choice) => obj(choice.message).content),
    );
    assert.deepEqual(
      assembled.map((choice) => choice.finish),
      ['stop', 'stop'],
    );
    assert.equal(obj(chunks.at(-1)?.usage).completion_tokens, 16);
  });

  it('rejects n outside 1..128', async () => {
    await expect400({ messages: [user], n: 0 }, /'n'/);
    await expect400({ messages: [user], n: 129 }, /'n'/);
  });
});

describe('OpenAI format: reasoning', () => {
  it('adds reasoning_content and counts reasoning tokens in completion tokens', async () => {
    simulator.sim.setKnobs('gpt-4o', { reasoningTokens: 5 });
    const body = await complete({ messages: [{ role: 'user', content: 'one two three' }] });
    assert.equal(message(body).reasoning_content, 'Thinking about: one two three');
    assert.equal(message(body).content, 'Simulated reply from gpt-4o: one two three one');
    assert.equal(usage(body).completion_tokens, 13);
    assert.equal(obj(usage(body).completion_tokens_details).reasoning_tokens, 5);
  });

  it('streams reasoning_content deltas before content', async () => {
    simulator.sim.setKnobs('gpt-4o', { reasoningTokens: 3 });
    const chunks = await streamChunks({ messages: [{ role: 'user', content: 'one two three' }] });
    const deltas = chunks.flatMap((chunk) => choices(chunk).map((choice) => obj(choice.delta)));
    const firstContent = deltas.findIndex((delta) => typeof delta.content === 'string' && delta.content.length > 0);
    const lastReasoning = deltas.findLastIndex((delta) => typeof delta.reasoning_content === 'string');
    assert.ok(lastReasoning < firstContent);
    assert.equal(assembleOpenAIStream(chunks)[0]?.reasoning, 'Thinking about: one');
    assert.equal(obj(obj(chunks.at(-1)?.usage).completion_tokens_details).reasoning_tokens, 3);
  });

  it('lets reasoning use up max_completion_tokens (finish_reason length, no content)', async () => {
    simulator.sim.setKnobs('gpt-4o', { reasoningTokens: 5 });
    const body = await complete({ messages: [{ role: 'user', content: 'one two three' }], max_completion_tokens: 3 });
    assert.equal(choices(body)[0]?.finish_reason, 'length');
    assert.equal(message(body).content, '');
    assert.equal(usage(body).completion_tokens, 3);
  });
});

describe('OpenAI format: refusals', () => {
  it('sets message.refusal with null content and finish_reason stop', async () => {
    simulator.sim.setKnobs('gpt-4o', { refuse: true });
    const body = await complete({ messages: [user], tools: [weatherTool] });
    assert.equal(message(body).content, null);
    assert.equal(message(body).refusal, REFUSAL_TEXT);
    assert.equal(choices(body)[0]?.finish_reason, 'stop');
    const chunks = await streamChunks({ messages: [user] });
    const [assembled] = assembleOpenAIStream(chunks);
    assert.equal(assembled?.refusal, REFUSAL_TEXT);
    assert.equal(assembled?.content, '');
    assert.equal(assembled?.finish, 'stop');
  });
});

describe('OpenAI format: JSON output', () => {
  it('json_object answers {"result": …} and needs the word json in the messages', async () => {
    const messages = [{ role: 'user', content: 'Answer in JSON please' }];
    const body = await complete({ messages, response_format: { type: 'json_object' } });
    assert.deepEqual(JSON.parse(String(message(body).content)), {
      result: 'Simulated reply from gpt-4o: Answer in JSON please',
    });
    await expect400({ messages: [user], response_format: { type: 'json_object' } }, /must contain the word 'json'/);
  });

  it('json_schema answers an object built from the schema, streamed in pieces', async () => {
    const response_format = {
      type: 'json_schema',
      json_schema: {
        name: 'forecast',
        strict: true,
        schema: {
          type: 'object',
          properties: { city: { type: 'string' }, tags: { type: 'array', items: { $ref: '#/$defs/tag' } } },
          required: ['city', 'tags'],
          additionalProperties: false,
          $defs: { tag: { type: 'string', enum: ['sunny', 'rainy'] } },
        },
      },
    };
    const body = await complete({ messages: [user], response_format });
    const expected = { city: 'Weather', tags: ['sunny'] };
    assert.deepEqual(JSON.parse(String(message(body).content)), expected);
    const chunks = await streamChunks({ messages: [user], response_format });
    const [assembled] = assembleOpenAIStream(chunks);
    assert.deepEqual(JSON.parse(assembled?.content ?? ''), expected);
    await expect400({ messages: [user], response_format: { type: 'json_schema', json_schema: {} } }, /json_schema.name/);
  });
});

describe('OpenAI format: cached prompt tokens', () => {
  it('reports the cachedPromptTokens knob, capped at the prompt size', async () => {
    simulator.sim.setKnobs('gpt-4o', { cachedPromptTokens: 4 });
    const body = await complete({ messages: [user] });
    assert.equal(obj(usage(body).prompt_tokens_details).cached_tokens, 4);
    simulator.sim.setKnobs('gpt-4o', { cachedPromptTokens: 10_000 });
    const capped = await complete({ messages: [user] });
    assert.equal(obj(usage(capped).prompt_tokens_details).cached_tokens, usage(capped).prompt_tokens);
  });
});
