/**
 * The Anthropic behaviours a native Messages path relies on: token counting, signed thinking that must come back
 * unchanged, prompt caching, and the extra fields Claude Code sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signThinking } from './anthropic-thinking.js';
import { arr, obj, parseSse, post, PROVIDER_HEADERS } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

const headers = PROVIDER_HEADERS.anthropic;
const model = 'claude-sonnet-4-5';
const simulator = useSimulator('');

const user = { role: 'user', content: 'Weather in Paris' }; // 16 chars → 4 + 3

function send(body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return post(`${simulator.sim.url}/anthropic/v1/messages`, { ...headers, ...extraHeaders }, { model, max_tokens: 4096, messages: [user], ...body });
}

async function messages(body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await send(body, extraHeaders);
  assert.equal(response.status, 200, await response.clone().text());
  return obj(await response.json());
}

async function invalid(body: Record<string, unknown>): Promise<string> {
  const response = await send(body);
  assert.equal(response.status, 400);
  const error = obj(obj(await response.json()).error);
  assert.equal(error.type, 'invalid_request_error');
  return String(error.message);
}

/** The stream's payloads, in order. */
async function streamEvents(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const response = await send({ ...body, stream: true });
  assert.equal(response.status, 200);
  return parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
}

const thinkingOn = { type: 'enabled', budget_tokens: 2048 };

describe('Anthropic count_tokens', () => {
  const countUrl = (): string => `${simulator.sim.url}/anthropic/v1/messages/count_tokens`;

  it('answers {input_tokens} with the prompt count /v1/messages reports for the same body', async () => {
    const body = {
      model,
      system: 'Be brief.',
      messages: [user],
      tools: [{ name: 'get_time', input_schema: { type: 'object', properties: {} } }],
    };
    const response = await post(countUrl(), headers, body);
    assert.equal(response.status, 200);
    const counted = obj(await response.json());
    assert.deepEqual(Object.keys(counted), ['input_tokens']);
    const usage = obj((await messages({ ...body, tool_choice: { type: 'none' } })).usage);
    assert.equal(counted.input_tokens, usage.input_tokens);
    assert.ok(Number(counted.input_tokens) > 7, 'the system prompt and the tools are counted');
  });

  it('refuses what the Messages endpoint refuses, with Anthropic errors', async () => {
    const noKey = await post(countUrl(), { 'anthropic-version': '2023-06-01' }, { model, messages: [user] });
    assert.equal(noKey.status, 401);
    const bad = await post(countUrl(), headers, { model, messages: [{ role: 'tool', content: 'x' }] });
    assert.equal(bad.status, 400);
    assert.equal(obj(obj(await bad.json()).error).type, 'invalid_request_error');
    const noMessages = await post(countUrl(), headers, { model });
    assert.match(String(obj(obj(await noMessages.json()).error).message), /messages: Field required/);
  });

  it('fails as the fault knobs say', async () => {
    simulator.sim.setKnobs(model, { errorRate: 1, errorStatus: 529 });
    const response = await post(countUrl(), headers, { model, messages: [user] });
    assert.equal(response.status, 529);
    assert.equal(obj(obj(await response.json()).error).type, 'overloaded_error');
  });
});

describe('Anthropic extended thinking', () => {
  it('thinking on: the reply starts with a thinking block signed with an HMAC of its text', async () => {
    const body = await messages({ thinking: thinkingOn });
    const [thinking, text] = arr(body.content).map(obj);
    assert.equal(thinking?.type, 'thinking');
    assert.match(String(thinking?.thinking), /^Thinking about:/);
    assert.equal(thinking?.signature, signThinking(String(thinking?.thinking)));
    assert.equal(text?.type, 'text');
    assert.equal(obj(obj(body.usage).output_tokens_details).thinking_tokens, 8);
  });

  it('the reasoningTokens knob turns it on too, and sets its length', async () => {
    simulator.sim.setKnobs(model, { reasoningTokens: 3 });
    const [thinking] = arr((await messages({})).content).map(obj);
    assert.equal(thinking?.type, 'thinking');
    assert.equal(thinking?.thinking, 'Thinking about: Weather', 'three reasoning tokens');
  });

  it('streams thinking_deltas, then the signature_delta right before the block stops', async () => {
    const events = await streamEvents({ thinking: thinkingOn });
    const ofBlock0 = events.filter((event) => event.index === 0);
    const kinds = ofBlock0.map((event) => (event.type === 'content_block_delta' ? obj(event.delta).type : event.type));
    assert.deepEqual(kinds, ['content_block_start', ...Array(8).fill('thinking_delta'), 'signature_delta', 'content_block_stop']);
    const text = ofBlock0
      .filter((event) => event.type === 'content_block_delta' && obj(event.delta).type === 'thinking_delta')
      .map((event) => obj(event.delta).thinking)
      .join('');
    assert.equal(obj(ofBlock0.at(-2)?.delta).signature, signThinking(text));
  });

  it('accepts its own thinking block back unchanged, and refuses one whose text or signature changed', async () => {
    const first = await messages({ thinking: thinkingOn });
    const thinking = obj(arr(first.content)[0]);
    const turn = (block: Record<string, unknown>) => ({
      thinking: thinkingOn,
      messages: [user, { role: 'assistant', content: [block, { type: 'text', text: 'Sunny.' }] }, { role: 'user', content: 'And tomorrow?' }],
    });
    await messages(turn(thinking));
    assert.equal(
      await invalid(turn({ ...thinking, thinking: `${String(thinking.thinking)}!` })),
      'messages.1.content.0: Invalid `signature` in `thinking` block',
    );
    assert.equal(await invalid(turn({ ...thinking, signature: 'EqQBCkYIBxgCKkB' })), 'messages.1.content.0: Invalid `signature` in `thinking` block');
    assert.match(await invalid(turn({ type: 'thinking', thinking: 'made up' })), /thinking\.signature: Field required/);
  });

  it('with thinking on, a tool loop must give back the thinking of the turn that called the tools', async () => {
    const tools = [{ name: 'get_time', input_schema: { type: 'object', properties: {} } }];
    const first = await messages({ thinking: thinkingOn, tools });
    const [thinking, call] = arr(first.content).map(obj);
    assert.equal(call?.type, 'tool_use');
    const loop = (assistant: unknown[]) => ({
      thinking: thinkingOn,
      tools,
      messages: [
        user,
        { role: 'assistant', content: assistant },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id, content: '12:00' }] },
      ],
    });
    const answer = await messages(loop([thinking, call]));
    assert.match(String(obj(arr(answer.content).at(-1)).text), /The tool returned: 12:00/);
    assert.match(await invalid(loop([call])), /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
    await messages({ ...loop([call]), thinking: { type: 'disabled' } });
  });

  it('checks the thinking budget as the API does', async () => {
    assert.match(
      await invalid({ thinking: { type: 'enabled', budget_tokens: 100 } }),
      /budget_tokens: Input should be greater than or equal to 1024/,
    );
    assert.match(await invalid({ max_tokens: 2048, thinking: thinkingOn }), /`max_tokens` must be greater than `thinking.budget_tokens`/);
    const off = await messages({ thinking: { type: 'disabled' } });
    assert.equal(obj(arr(off.content)[0]).type, 'text');
  });
});

describe('Anthropic prompt caching', () => {
  const system = (text: string, ttl?: string) => [
    { type: 'text', text, cache_control: ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl } },
  ];
  const longSystem = 'You are a meteorologist. '.repeat(40); // 1000 chars → 250 + 3 tokens

  it('writes the marked prefix the first time and reads it on a repeat, the rest as input', async () => {
    const prompt = { system: system(`${longSystem}A`), messages: [user] };
    const first = obj((await messages(prompt)).usage);
    assert.deepEqual(
      [first.cache_creation_input_tokens, first.cache_read_input_tokens, first.input_tokens, first.cache_creation],
      [254, 0, 7, { ephemeral_5m_input_tokens: 254, ephemeral_1h_input_tokens: 0 }],
    );
    const second = obj((await messages({ ...prompt, messages: [{ role: 'user', content: 'And in Rome?' }] })).usage);
    assert.deepEqual([second.cache_creation_input_tokens, second.cache_read_input_tokens, second.input_tokens], [0, 254, 6]);
  });

  it('keys the prefix by model and content, and reports one-hour writes when the breakpoint asks for them', async () => {
    const prompt = { system: system(`${longSystem}B`, '1h'), messages: [user] };
    const written = obj((await messages(prompt)).usage);
    assert.deepEqual(written.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 254 });
    const otherModel = obj((await messages({ ...prompt, model: 'claude-haiku-4-5' })).usage);
    assert.equal(otherModel.cache_creation_input_tokens, 254, 'another model has its own cache');
    const otherText = obj((await messages({ ...prompt, system: system(`${longSystem}C`, '1h') })).usage);
    assert.equal(otherText.cache_read_input_tokens, 0);
  });

  it('caches up to the last breakpoint, in the order tools, system, messages', async () => {
    const tools = [{ name: 'get_time', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } }];
    const conversation = [
      { role: 'user', content: [{ type: 'text', text: `${longSystem}D`, cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'Weather in Paris' },
    ];
    const body = { tools, tool_choice: { type: 'none' }, system: 'Be brief.', messages: conversation };
    const first = obj((await messages(body)).usage);
    const promptTokens = Number(first.input_tokens) + Number(first.cache_creation_input_tokens);
    // Cached: the tools, the system prompt and the first message; not the two messages after the breakpoint.
    assert.equal(first.input_tokens, 5 + 7);
    assert.equal(first.cache_creation_input_tokens, promptTokens - 12);
    const repeat = obj((await messages(body)).usage);
    assert.equal(repeat.cache_read_input_tokens, promptTokens - 12);
  });

  it('reports the cache in the stream, at message_start and message_delta', async () => {
    const events = await streamEvents({ system: system(`${longSystem}E`), messages: [user] });
    const start = obj(obj(events.find((event) => event.type === 'message_start')?.message).usage);
    const delta = obj(events.find((event) => event.type === 'message_delta')?.usage);
    for (const usage of [start, delta]) assert.equal(usage.cache_creation_input_tokens, 254);
  });

  it('refuses more than four breakpoints, as the API does', async () => {
    const blocks = Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}`, cache_control: { type: 'ephemeral' } }));
    assert.equal(await invalid({ system: blocks }), 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });
});

describe("Claude Code's extra fields", () => {
  it('are accepted: context_management, output_config without a format, metadata, betas', async () => {
    const body = await messages(
      {
        context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
        output_config: { effort: 'high' },
        metadata: { user_id: 'user_abc_account_def_session_123' },
        thinking: thinkingOn,
      },
      { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27' },
    );
    assert.equal(body.type, 'message');
  });

  it('accepts mid-conversation system turns, outside the user/assistant pairing', async () => {
    const body = await messages({
      messages: [user, { role: 'system', content: [{ type: 'text', text: '# Environment' }] }, { role: 'assistant', content: 'Hello' }, user],
    });
    assert.equal(body.type, 'message');
    assert.match(await invalid({ messages: [user, { role: 'tool', content: 'x' }] }), /messages\.1\.role/);
  });
});
