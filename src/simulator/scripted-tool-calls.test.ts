import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arr, assembleOpenAIStream, obj, parseSse, post, PROVIDER_HEADERS, sseJson } from './test-helpers.js';
import { useSimulator } from './test-fixture.js';

// The `toolCall` knob in every wire format: the reply calls the scripted tool with exactly the scripted arguments
// (a coding agent's shell tool must run the command the test chose, not one invented from the schema), and
// answers in text once the conversation ends with a tool result, so the agent finishes.

const simulator = useSimulator('', { defaults: { outputTokens: 10 } });

/** Arguments no schema-driven invention would produce: a nested array, a number and a path. */
const catHello = { command: ['cat', 'hello.txt'], timeout_ms: 1500, workdir: '/tmp/agent' };
const shellSchema = {
  type: 'object',
  properties: { command: { type: 'array', items: { type: 'string' } }, timeout_ms: { type: 'number' }, workdir: { type: 'string' } },
  required: ['command'],
};
const pingSchema = { type: 'object', properties: { host: { type: 'string' } }, required: ['host'] };

function scriptShell(): void {
  simulator.sim.setKnobs('*', { toolCall: [{ name: 'shell', arguments: catHello }] });
}

describe('toolCall knob: OpenAI format', () => {
  const endpoint = (): string => `${simulator.sim.url}/openai/v1/chat/completions`;
  const headers = PROVIDER_HEADERS.openai;
  const user = { role: 'user', content: 'Show me hello.txt' };
  // The scripted tool is offered second: the call follows the knob, not the tool order.
  const tools = [
    { type: 'function', function: { name: 'ping', parameters: pingSchema } },
    { type: 'function', function: { name: 'shell', parameters: shellSchema } },
  ];

  async function complete(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await post(endpoint(), headers, { model: 'gpt-5', messages: [user], tools, ...body });
    assert.equal(response.status, 200, await response.clone().text());
    return obj(obj(arr(obj(await response.json()).choices)[0]).message);
  }

  it('calls the scripted tool with exactly the scripted arguments', async () => {
    scriptShell();
    const calls = arr((await complete({})).tool_calls).map(obj);
    assert.equal(calls.length, 1);
    assert.equal(obj(calls[0]?.function).name, 'shell');
    assert.deepEqual(JSON.parse(String(obj(calls[0]?.function).arguments)), catHello);
  });

  it('streams the same call, whose argument fragments join to the scripted arguments', async () => {
    scriptShell();
    const response = await post(endpoint(), headers, { model: 'gpt-5', messages: [user], tools, stream: true });
    const [choice] = assembleOpenAIStream(sseJson(await response.text()));
    assert.equal(choice?.finish, 'tool_calls');
    assert.equal(choice?.toolCalls.length, 1);
    assert.equal(choice?.toolCalls[0]?.name, 'shell');
    assert.deepEqual(JSON.parse(choice?.toolCalls[0]?.arguments ?? ''), catHello);
  });

  it('answers in text once the conversation ends with the tool result', async () => {
    scriptShell();
    const call = { id: 'call_1', type: 'function', function: { name: 'shell', arguments: JSON.stringify(catHello) } };
    const message = await complete({
      messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: 'hello world' }],
    });
    assert.equal(message.tool_calls, undefined);
    assert.equal(message.content, 'Simulated reply from gpt-5: The tool returned: hello world hello');
  });

  it('answers in text, never an invented call, when the scripted tool is not offered', async () => {
    simulator.sim.setKnobs('*', { toolCall: [{ name: 'not_offered', arguments: {} }] });
    const message = await complete({});
    assert.equal(message.tool_calls, undefined);
    assert.match(String(message.content), /^Simulated reply from gpt-5: /);
  });

  it('makes a list of scripted calls together, the offered ones only, one when parallel calls are off', async () => {
    simulator.sim.setKnobs('*', {
      toolCall: [
        { name: 'ping', arguments: { host: 'a.example' } },
        { name: 'absent', arguments: {} },
        { name: 'ping', arguments: { host: 'b.example' } },
      ],
    });
    const both = arr((await complete({})).tool_calls).map((call) => JSON.parse(String(obj(obj(call).function).arguments)));
    assert.deepEqual(both, [{ host: 'a.example' }, { host: 'b.example' }]);
    const single = arr((await complete({ parallel_tool_calls: false })).tool_calls);
    assert.equal(single.length, 1);
  });
});

describe('toolCall knob: Anthropic format', () => {
  const endpoint = (): string => `${simulator.sim.url}/anthropic/v1/messages`;
  const headers = PROVIDER_HEADERS.anthropic;
  const model = 'claude-sonnet-4-5';
  const user = { role: 'user', content: 'Show me hello.txt' };
  const tools = [
    { name: 'ping', input_schema: pingSchema },
    { name: 'shell', input_schema: shellSchema },
  ];

  function request(body: Record<string, unknown>): Promise<Response> {
    return post(endpoint(), headers, { model, max_tokens: 1024, messages: [user], tools, ...body });
  }

  it('answers a tool_use block of the scripted tool with exactly the scripted input', async () => {
    scriptShell();
    const response = await request({});
    assert.equal(response.status, 200);
    const body = obj(await response.json());
    assert.equal(body.stop_reason, 'tool_use');
    const blocks = arr(body.content).map(obj);
    assert.deepEqual(
      blocks.map((block) => [block.type, block.name, block.input]),
      [['tool_use', 'shell', catHello]],
    );
  });

  it('streams input_json_delta fragments that join to the scripted input', async () => {
    scriptShell();
    const response = await request({ stream: true });
    const payloads = parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
    const start = obj(payloads.find((payload) => payload.type === 'content_block_start')?.content_block);
    assert.equal(start.name, 'shell');
    const json = payloads
      .filter((payload) => payload.type === 'content_block_delta')
      .map((payload) => String(obj(payload.delta).partial_json))
      .join('');
    assert.deepEqual(JSON.parse(json), catHello);
  });

  it('answers in text once the last user turn carries the tool result', async () => {
    scriptShell();
    const response = await request({
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shell', input: catHello }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello world' }] },
      ],
    });
    const body = obj(await response.json());
    assert.equal(body.stop_reason, 'end_turn');
    assert.deepEqual(
      arr(body.content).map((block) => obj(block).type),
      ['text'],
    );
  });
});

describe('toolCall knob: Gemini format', () => {
  const headers = PROVIDER_HEADERS.gemini;
  const url = (stream: boolean): string =>
    `${simulator.sim.url}/google/v1beta/models/gemini-2.5-flash:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  const user = { role: 'user', parts: [{ text: 'Show me hello.txt' }] };
  const tools = [
    {
      functionDeclarations: [
        { name: 'ping', parametersJsonSchema: pingSchema },
        { name: 'shell', parametersJsonSchema: shellSchema },
      ],
    },
  ];

  function partsOf(payload: Record<string, unknown>): Record<string, unknown>[] {
    return arr(obj(obj(arr(payload.candidates)[0]).content).parts).map(obj);
  }

  it('answers a functionCall part of the scripted function with exactly the scripted args', async () => {
    scriptShell();
    const response = await post(url(false), headers, { contents: [user], tools });
    const parts = partsOf(obj(await response.json()));
    assert.deepEqual(parts, [{ functionCall: { name: 'shell', args: catHello } }]);
  });

  it('streams the same functionCall', async () => {
    scriptShell();
    const response = await post(url(true), headers, { contents: [user], tools });
    const chunks = parseSse(await response.text()).map((event) => obj(JSON.parse(event.data)));
    const calls = chunks.flatMap(partsOf).filter((part) => part.functionCall !== undefined);
    assert.deepEqual(calls, [{ functionCall: { name: 'shell', args: catHello } }]);
  });

  it('answers in text once the last turn carries the function response', async () => {
    scriptShell();
    const response = await post(url(false), headers, {
      tools,
      contents: [
        user,
        { role: 'model', parts: [{ functionCall: { name: 'shell', args: catHello } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'shell', response: { output: 'hello world' } } }] },
      ],
    });
    const parts = partsOf(obj(await response.json()));
    assert.equal(parts.length, 1);
    assert.match(String(parts[0]?.text), /^Simulated reply from gemini-2\.5-flash: The tool returned: hello world/);
  });
});

describe('toolCall knob: POST /_sim/knobs', () => {
  const knobs = (): string => `${simulator.sim.url}/_sim/knobs`;

  it('takes one call or a list, answers the list, and null turns it off', async () => {
    const one = await post(knobs(), {}, { model: 'gpt-5', toolCall: { name: 'shell', arguments: catHello } });
    assert.equal(one.status, 200);
    assert.deepEqual(obj(obj(await one.json()).knobs).toolCall, [{ name: 'shell', arguments: catHello }]);
    const off = await post(knobs(), {}, { model: 'gpt-5', toolCall: null });
    assert.deepEqual(obj(obj(await off.json()).knobs).toolCall, []);
  });

  for (const bad of [{ name: '', arguments: {} }, { name: 'shell' }, { name: 'shell', arguments: '{}' }, ['shell'], 'shell']) {
    it(`refuses ${JSON.stringify(bad)} with a 400 naming the knob`, async () => {
      const response = await post(knobs(), {}, { toolCall: bad });
      assert.equal(response.status, 400);
      assert.match(String(obj(obj(await response.json()).error).message), /^toolCall must be/);
    });
  }
});
