import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arr, obj, parseSse, post, PROVIDER_HEADERS } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const headers = PROVIDER_HEADERS.anthropic;
const model = 'claude-sonnet-4-5';
const simulator = useSimulator('/anthropic/v1/messages');

const user = { role: 'user', content: 'Weather in Paris' }; // 16 chars → 4 + 3
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
    required: ['city', 'units', 'days'],
  },
};
const timeTool = { name: 'get_time', input_schema: { type: 'object', properties: {} } };

async function create(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(simulator.endpoint, headers, { model, max_tokens: 1024, messages: [user], ...body });
  assert.equal(response.status, 200, await response.clone().text());
  return obj(await response.json());
}

/** The stream's payloads; every event name matches its payload's type. */
async function events(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const response = await post(simulator.endpoint, headers, { model, max_tokens: 1024, messages: [user], stream: true, ...body });
  assert.equal(response.status, 200);
  const parsed = parseSse(await response.text());
  const payloads = parsed.map((event) => obj(JSON.parse(event.data)));
  for (const [index, event] of parsed.entries()) assert.equal(event.event, payloads[index]?.type);
  return payloads;
}

function blocks(body: Record<string, unknown>): Record<string, unknown>[] {
  return arr(body.content).map(obj);
}

async function expect400(body: Record<string, unknown>, pattern: RegExp): Promise<void> {
  const response = await post(simulator.endpoint, headers, { model, max_tokens: 1024, messages: [user], ...body });
  assert.equal(response.status, 400);
  const error = obj(obj(await response.json()).error);
  assert.equal(error.type, 'invalid_request_error');
  assert.match(String(error.message), pattern);
}

function deltasOf(payloads: Record<string, unknown>[], index: number): Record<string, unknown>[] {
  return payloads.filter((payload) => payload.type === 'content_block_delta' && payload.index === index).map((payload) => obj(payload.delta));
}

describe('Anthropic format: tool use', () => {
  it('answers tool_use blocks with input from the schema and stop_reason tool_use', async () => {
    const body = await create({ tools: [weatherTool, timeTool] });
    assert.equal(body.stop_reason, 'tool_use');
    const [block] = blocks(body);
    assert.equal(block?.type, 'tool_use');
    assert.match(String(block?.id), /^toolu_01[A-Za-z0-9]{22}$/);
    assert.equal(block?.name, 'get_weather');
    assert.deepEqual(block?.input, { city: 'Weather', units: 'celsius', days: 1 });
    assert.ok(Number(obj(body.usage).output_tokens) > 0);
  });

  it('honours tool_choice none, tool, and disable_parallel_tool_use', async () => {
    const none = await create({ tools: [weatherTool], tool_choice: { type: 'none' } });
    assert.equal(none.stop_reason, 'end_turn');
    assert.equal(blocks(none)[0]?.type, 'text');
    const named = await create({ tools: [weatherTool, timeTool], tool_choice: { type: 'tool', name: 'get_time' } });
    assert.deepEqual(
      blocks(named).map((block) => [block.name, block.input]),
      [['get_time', {}]],
    );
    simulator.sim.setKnobs(model, { parallelToolCalls: 3 });
    const parallel = await create({ tools: [weatherTool, timeTool], tool_choice: { type: 'any' } });
    assert.deepEqual(
      blocks(parallel).map((block) => block.name),
      ['get_weather', 'get_time', 'get_weather'],
    );
    const single = await create({ tools: [weatherTool], tool_choice: { type: 'any', disable_parallel_tool_use: true } });
    assert.equal(blocks(single).length, 1);
    await expect400({ tools: [weatherTool], tool_choice: { type: 'tool', name: 'nope' } }, /nope/);
  });

  it('never calls server tools, and rejects a client tool schema without a top-level type', async () => {
    const server = await create({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    assert.equal(server.stop_reason, 'end_turn');
    await expect400({ tools: [{ name: 'f', input_schema: { anyOf: [] } }] }, /^tools\.0\.custom\.input_schema\.type: Field required$/);
  });

  it('answers tool results with text that mentions them, results split over user messages included', async () => {
    simulator.sim.setKnobs('*', { outputTokens: 12 });
    const toolUse = {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} },
        { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
      ],
    };
    const body = await create({
      tools: [weatherTool],
      messages: [
        user,
        toolUse,
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'Sunny and 22 degrees' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: 'noon' }] }] },
      ],
    });
    assert.equal(body.stop_reason, 'end_turn');
    assert.deepEqual(blocks(body), [{ type: 'text', text: `Simulated reply from ${model}: The tool returned: Sunny and 22 degrees noon` }]);
  });

  it('rejects tool_result ids that answer no tool_use, and tool_use left unanswered', async () => {
    const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'f', input: {} }] };
    await expect400(
      { messages: [user, toolUse, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] },
      /^messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x\./,
    );
    await expect400({ messages: [user, toolUse, user] }, /^messages\.1: `tool_use` ids were found without `tool_result` blocks/);
  });

  it('streams a tool_use block with input_json_delta fragments that join to the input', async () => {
    const payloads = await events({ tools: [weatherTool] });
    const start = obj(payloads.find((payload) => payload.type === 'content_block_start')?.content_block);
    assert.equal(start.type, 'tool_use');
    assert.equal(start.name, 'get_weather');
    assert.deepEqual(start.input, {});
    const fragments = deltasOf(payloads, 0).map((delta) => {
      assert.equal(delta.type, 'input_json_delta');
      return String(delta.partial_json);
    });
    assert.equal(fragments[0], '', 'the first fragment is empty, as in the real stream');
    assert.ok(fragments.length >= 3);
    assert.deepEqual(JSON.parse(fragments.join('')), { city: 'Weather', units: 'celsius', days: 1 });
    const delta = obj(payloads.find((payload) => payload.type === 'message_delta'));
    assert.equal(obj(delta.delta).stop_reason, 'tool_use');
    assert.deepEqual(
      payloads.map((payload) => payload.type).filter((type, i, all) => type !== all[i - 1]),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
  });
});

describe('Anthropic format: images', () => {
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
  const linked = { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } };

  it('counts base64 and url images in input tokens and says how many it sees', async () => {
    const body = await create({ messages: [{ role: 'user', content: [{ type: 'text', text: 'one two three' }, image, linked] }] });
    assert.equal(obj(body.usage).input_tokens, 4 + 3 + 2 * 765);
    assert.equal(blocks(body)[0]?.text, `Simulated reply from ${model}: I see 2 images.`);
  });

  it('rejects an unsupported media type and a non-http url', async () => {
    const tiff = { type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } };
    await expect400(
      { messages: [{ role: 'user', content: [tiff] }] },
      /^messages\.0\.content\.0\.image\.source\.base64\.media_type: Input should be/,
    );
    const ftp = { type: 'image', source: { type: 'url', url: 'ftp://example.com/a.png' } };
    await expect400({ messages: [{ role: 'user', content: [ftp] }] }, /url/);
  });
});

describe('Anthropic format: thinking', () => {
  it('puts a signed thinking block before the text and counts it in output_tokens', async () => {
    simulator.sim.setKnobs(model, { reasoningTokens: 4 });
    const body = await create({ messages: [{ role: 'user', content: 'one two three' }] });
    const [thinking, text] = blocks(body);
    assert.equal(thinking?.type, 'thinking');
    assert.equal(thinking?.thinking, 'Thinking about: one two');
    assert.ok(String(thinking?.signature).length > 20);
    assert.equal(text?.text, `Simulated reply from ${model}: one two three one`);
    assert.equal(obj(body.usage).output_tokens, 12);
    assert.deepEqual(obj(body.usage).output_tokens_details, { thinking_tokens: 4 });
  });

  it('streams thinking_delta then signature_delta, then the text block at index 1', async () => {
    simulator.sim.setKnobs(model, { reasoningTokens: 3 });
    const payloads = await events({});
    const starts = payloads.filter((payload) => payload.type === 'content_block_start').map((payload) => obj(payload.content_block));
    assert.deepEqual(starts, [
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'text', text: '' },
    ]);
    const thinkingDeltas = deltasOf(payloads, 0);
    assert.deepEqual(
      thinkingDeltas.map((delta) => delta.type),
      ['thinking_delta', 'thinking_delta', 'thinking_delta', 'signature_delta'],
    );
    const stopAt = payloads.findIndex((payload) => payload.type === 'content_block_stop' && payload.index === 0);
    assert.equal(obj(payloads[stopAt - 1]?.delta).type, 'signature_delta');
    assert.ok(deltasOf(payloads, 1).every((delta) => delta.type === 'text_delta'));
    const delta = obj(payloads.find((payload) => payload.type === 'message_delta'));
    assert.equal(obj(delta.usage).output_tokens, 11);
  });
});

describe('Anthropic format: refusals', () => {
  it('stops with refusal, no content, and stop_details', async () => {
    simulator.sim.setKnobs(model, { refuse: true });
    const body = await create({ tools: [weatherTool] });
    assert.equal(body.stop_reason, 'refusal');
    assert.deepEqual(body.content, []);
    assert.equal(obj(body.stop_details).type, 'refusal');
    const payloads = await events({});
    assert.deepEqual(
      payloads.map((payload) => payload.type),
      ['message_start', 'ping', 'message_delta', 'message_stop'],
    );
    assert.equal(obj(payloads[2]?.delta).stop_reason, 'refusal');
  });
});

describe('Anthropic format: structured output', () => {
  const output_config = {
    format: {
      type: 'json_schema',
      schema: {
        type: 'object',
        properties: { city: { type: 'string' }, ok: { type: 'boolean' } },
        required: ['city', 'ok'],
        additionalProperties: false,
      },
    },
  };

  it('answers JSON text built from output_config.format, whole and streamed', async () => {
    const body = await create({ output_config });
    assert.equal(body.stop_reason, 'end_turn');
    assert.deepEqual(JSON.parse(String(blocks(body)[0]?.text)), { city: 'Weather', ok: true });
    const payloads = await events({ output_config });
    const text = deltasOf(payloads, 0)
      .map((delta) => String(delta.text))
      .join('');
    assert.deepEqual(JSON.parse(text), { city: 'Weather', ok: true });
    await expect400({ output_config: { format: { type: 'xml' } } }, /json_schema/);
  });
});

describe('Anthropic format: prompt cache', () => {
  it('reports cache_read_input_tokens and leaves them out of input_tokens', async () => {
    simulator.sim.setKnobs(model, { cachedPromptTokens: 5 });
    const body = await create({});
    assert.deepEqual(
      [obj(body.usage).input_tokens, obj(body.usage).cache_read_input_tokens, obj(body.usage).cache_creation_input_tokens],
      [4 + 3 - 5, 5, 0],
    );
    const payloads = await events({});
    const startUsage = obj(obj(payloads[0]?.message).usage);
    assert.equal(startUsage.cache_read_input_tokens, 5);
    assert.equal(startUsage.input_tokens, 2);
  });
});
