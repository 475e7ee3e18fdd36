/**
 * `POST /v1/responses` end to end (issue 17) with the official `openai` SDK, on the test gateway and its simulator,
 * against one model per upstream format (`gpt-5`, `claude-sonnet-4.5`, `gemini-2.5-flash`) and `auto`: text with
 * instructions, a function-tool round trip continued with `previous_response_id` and one resent whole with
 * `store: false`, `text.format` json_schema, `responses.stream()` to `finalResponse()`, and the stored response read
 * back, listed and deleted. Every answer is checked against OpenAI's `Response` schema and every stream event against
 * `ResponseStreamEvent` (`test/openai-schemas.ts`). Then what crosses formats: custom tools, reasoning carried in
 * `encrypted_content` across turns, hosted tools dropped with a warning, `item_reference`, incomplete answers and a
 * stream that fails after its first event.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { Response, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { decodeReasoningState, encodeReasoningState } from '../../src/server/responses/reasoning-state.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { validateOpenAI } from '../openai-schemas.js';

let gw: TestGateway;
let catalog: Set<string>;
before(async () => {
  gw = await startTestGateway((config) => {
    catalog = new Set(config.models.map((model) => model.id));
  });
});
after(async () => {
  await gw.close();
});
afterEach(() => gw.simulator!.resetKnobs());

/** One model per upstream wire format, and smart routing. */
const MODELS = ['gpt-5', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'auto'];

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

/** Validates a Response as the client received it (the SDK's `output_text` convenience is not on the wire). */
function assertValidResponse(response: Response): void {
  const { output_text: _computedBySdk, ...wire } = response;
  validateOpenAI('Response', JSON.parse(JSON.stringify(wire)));
}

/**
 * Validates a stream event. The `error` event follows OpenAI's recorded stream
 * (`shared/fixtures/recorded/openai-responses/openai-error.1.chunks.txt`), which nests its fields in `error`; the
 * published `ResponseErrorEvent` schema puts `code`/`message`/`param` at the top level, so it is checked by hand.
 */
function assertValidEvent(event: ResponseStreamEvent | Record<string, unknown>): void {
  if (event.type === 'error') {
    const { error } = event as { error?: Record<string, unknown> };
    assert.equal(typeof error?.message, 'string');
    assert.equal(typeof error?.code, 'string');
    assert.ok('param' in (error ?? {}) && 'type' in (error ?? {}));
    return;
  }
  validateOpenAI('ResponseStreamEvent', JSON.parse(JSON.stringify(event)));
}

function assertModel(response: Response, requested: string): void {
  if (requested === 'auto') assert.ok(catalog.has(response.model) && response.model !== 'auto', response.model);
  else assert.equal(response.model, requested);
}

function usageCost(response: { usage?: unknown }): number {
  const cost = (response.usage as { cost_usd?: unknown } | undefined)?.cost_usd;
  assert.equal(typeof cost, 'number', 'usage.cost_usd is missing');
  return cost as number;
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

/** The raw SSE events of a streamed request: `event:` name and parsed `data:`. */
async function rawEvents(
  body: Record<string, unknown>,
  apiKey = gw.apiKey,
): Promise<{ headers: Headers; events: { event: string; data: Record<string, unknown> }[] }> {
  const response = await fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const events: { event: string; data: Record<string, unknown> }[] = [];
  for (const frame of (await response.text()).split('\n\n')) {
    if (frame.trim() === '') continue;
    const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
    const data = /^data: (.*)$/m.exec(frame)?.[1] ?? 'null';
    events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
  return { headers: response.headers, events };
}

function functionCalls(response: Response): Extract<Response['output'][number], { type: 'function_call' }>[] {
  return response.output.filter((item) => item.type === 'function_call');
}

for (const model of MODELS) {
  describe(`openai SDK on ${model}`, () => {
    it('create: text with instructions, the catalog model that answered, usage with cost', async () => {
      const { data: response, response: http } = await gw
        .client()
        .responses.create({ model, input: 'Hello from the Responses API', instructions: 'Answer briefly.' })
        .withResponse();
      assertValidResponse(response);
      assert.equal(response.status, 'completed');
      assert.equal(response.object, 'response');
      assert.match(response.id, /^resp_/);
      assertModel(response, model);
      assert.equal(http.headers.get('x-op-model'), response.model);
      assert.equal(response.instructions, 'Answer briefly.');
      assert.match(response.output_text, /^Simulated reply from .*Hello from the Responses API/);
      const [message] = response.output;
      assert.equal(message?.type, 'message');
      assert.match(message?.id ?? '', /^msg_/);
      assert.ok((response.usage?.input_tokens ?? 0) > 0 && (response.usage?.output_tokens ?? 0) > 0);
      assert.equal(response.usage?.total_tokens, (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
      assert.ok(usageCost(response) > 0);
    });

    it('a function-tool round trip continued with previous_response_id', async () => {
      const client = gw.client();
      const first = await client.responses.create({ model, input: 'What is the weather in Paris?', tools: [weatherTool] });
      assertValidResponse(first);
      const [call] = functionCalls(first);
      assert.ok(call, JSON.stringify(first.output));
      assert.equal(call.name, 'get_weather');
      assert.match(call.id ?? '', /^fc_/);
      assert.equal(typeof (JSON.parse(call.arguments) as { city?: unknown }).city, 'string');
      const second = await client.responses.create({
        model,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny and 21 degrees' }],
        tools: [weatherTool],
      });
      assertValidResponse(second);
      assert.equal(second.previous_response_id, first.id);
      assert.match(second.output_text, /The tool returned: sunny and 21 degrees/);
    });

    it('a function-tool round trip resending the whole history with store: false', async () => {
      const client = gw.client();
      const question: ResponseInputItem = { role: 'user', content: 'What is the weather in Rome?' };
      const first = await client.responses.create({ model, input: [question], tools: [weatherTool], store: false });
      assertValidResponse(first);
      assert.equal((first as { store?: unknown }).store, false);
      const calls = functionCalls(first);
      assert.ok(calls.length > 0);
      const outputs: ResponseInputItem[] = calls.map((call) => ({ type: 'function_call_output', call_id: call.call_id, output: 'cloudy' }));
      const second = await client.responses.create({
        model,
        input: [question, ...(first.output as ResponseInputItem[]), ...outputs],
        tools: [weatherTool],
        store: false,
      });
      assertValidResponse(second);
      assert.match(second.output_text, /The tool returned: cloudy/);
      const notStored = await apiError(client.responses.retrieve(first.id));
      assert.equal(notStored.status, 404);
    });

    it('text.format json_schema: the output text is JSON of that schema', async () => {
      const format = {
        type: 'json_schema' as const,
        name: 'person',
        strict: true,
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'integer' } },
          required: ['name', 'age'],
          additionalProperties: false,
        },
      };
      const response = await gw.client().responses.create({ model, input: 'Describe a person', text: { format } });
      assertValidResponse(response);
      assert.deepEqual(response.text?.format, format);
      const parsed = JSON.parse(response.output_text) as { name?: unknown; age?: unknown };
      assert.equal(typeof parsed.name, 'string');
      assert.equal(typeof parsed.age, 'number');
    });

    it('responses.stream() to finalResponse(): every event valid, numbered from 0, the final response as stored', async () => {
      const client = gw.client();
      const stream = client.responses.stream({ model, input: 'Stream me a reply', instructions: 'Be kind.' });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const final = await stream.finalResponse();
      for (const event of events) assertValidEvent(event);
      assert.deepEqual(
        events.map((event) => event.sequence_number),
        events.map((_, index) => index),
      );
      assert.deepEqual(
        events.slice(0, 2).map((event) => event.type),
        ['response.created', 'response.in_progress'],
      );
      assert.equal(events.at(-1)?.type, 'response.completed');
      const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
      assert.ok(deltas.length > 1, 'the text was not streamed in pieces');
      assert.equal(final.output_text, deltas.join(''));
      assertModel(final, model);
      assert.ok(usageCost(final) > 0);
      const completed = events.at(-1);
      assert.ok(completed?.type === 'response.completed');
      const { output_text: _sdk, ...stored } = await client.responses.retrieve(final.id);
      assert.deepEqual(stored, JSON.parse(JSON.stringify(completed.response)));
    });

    it('retrieve, inputItems.list and delete the stored response', async () => {
      const client = gw.client();
      const created = await client.responses.create({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'Keep this' }] }] });
      const retrieved = await client.responses.retrieve(created.id);
      assertValidResponse(retrieved);
      assert.deepEqual(retrieved.output, created.output);
      const items = [];
      for await (const item of client.responses.inputItems.list(created.id)) items.push(item);
      assert.equal(items.length, 1);
      assert.deepEqual(items[0] && { type: items[0].type, role: 'role' in items[0] ? items[0].role : undefined }, { type: 'message', role: 'user' });
      assert.deepEqual('content' in (items[0] ?? {}) ? (items[0] as { content: unknown }).content : undefined, [
        { type: 'input_text', text: 'Keep this' },
      ]);
      await client.responses.delete(created.id);
      assert.equal((await apiError(client.responses.retrieve(created.id))).status, 404);
    });
  });
}

describe('custom tools (freeform input, as Codex sends apply_patch)', () => {
  const applyPatch = {
    type: 'custom' as const,
    name: 'apply_patch',
    description: 'Apply a patch',
    format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: /.+/' },
  };

  for (const model of ['gpt-5', 'claude-sonnet-4.5', 'gemini-2.5-flash']) {
    it(`${model}: a custom_tool_call carries the raw input, and its output continues the turn`, async () => {
      const client = gw.client();
      const first = await client.responses.create({ model, input: 'Patch the file please', tools: [applyPatch] });
      assertValidResponse(first);
      const call = first.output.find((item) => item.type === 'custom_tool_call');
      assert.ok(call, JSON.stringify(first.output));
      assert.equal(call.name, 'apply_patch');
      assert.equal(typeof call.input, 'string');
      assert.ok(!call.input.startsWith('{'), `the input is the raw text, not the stand-in function's JSON: ${call.input}`);
      const second = await client.responses.create({
        model,
        previous_response_id: first.id,
        input: [{ type: 'custom_tool_call_output', call_id: call.call_id, output: 'patched' }],
        tools: [applyPatch],
      });
      assert.match(second.output_text, /The tool returned: patched/);
    });
  }

  it('streamed: custom_tool_call_input.delta and .done carry the input', async () => {
    const { events } = await rawEvents({ model: 'claude-sonnet-4.5', input: 'Patch it', tools: [applyPatch] });
    for (const { data } of events) assertValidEvent(data);
    const done = events.find((e) => e.event === 'response.custom_tool_call_input.done')?.data;
    const deltas = events.filter((e) => e.event === 'response.custom_tool_call_input.delta').map((e) => e.data.delta);
    assert.ok(done && typeof done.input === 'string' && done.input !== '');
    assert.equal(deltas.join(''), done.input);
    const item = events.find((e) => e.event === 'response.output_item.done')?.data.item as { type?: string; input?: string } | undefined;
    assert.deepEqual([item?.type, item?.input], ['custom_tool_call', done.input]);
  });
});

describe('reasoning across turns', () => {
  it("Claude's signed thinking goes out in encrypted_content (only when included) and comes back to Claude intact", async () => {
    gw.simulator!.setKnobs('claude-sonnet-4-5', { reasoningTokens: 6 });
    const client = gw.client();
    const question: ResponseInputItem = { role: 'user', content: 'What is the weather in Oslo?' };
    const first = await client.responses.create({
      model: 'claude-sonnet-4.5',
      input: [question],
      tools: [weatherTool],
      reasoning: { effort: 'low' },
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    assertValidResponse(first);
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    assert.ok(reasoning, JSON.stringify(first.output));
    assert.match(reasoning.id, /^rs_/);
    assert.match(reasoning.summary[0]?.text ?? '', /^Thinking about/);
    const details = decodeReasoningState(reasoning.encrypted_content);
    assert.ok(details !== undefined, `not our envelope: ${reasoning.encrypted_content}`);
    assert.deepEqual(
      details.map((detail) => [detail.type, detail.format, detail.type === 'reasoning.text' && (detail.signature ?? '') !== '']),
      [['reasoning.text', 'anthropic', true]],
    );
    assert.equal(first.usage?.output_tokens_details.reasoning_tokens, 6);

    const outputs: ResponseInputItem[] = functionCalls(first).map((call) => ({
      type: 'function_call_output',
      call_id: call.call_id,
      output: 'snow',
    }));
    const history = [question, ...(first.output as ResponseInputItem[]), ...outputs];
    // Thinking is on: the simulator, as Anthropic, refuses tool results after a turn that lost its thinking block.
    const thinking = { tools: [weatherTool], reasoning: { effort: 'low' as const }, store: false };
    const second = await client.responses.create({ model: 'claude-sonnet-4.5', input: history, ...thinking });
    assert.match(second.output_text, /The tool returned: snow/);

    // The simulator checks thinking signatures as Anthropic does: a tampered one is refused, so the intact one reached it.
    const tampered = history.map((item) =>
      'type' in item && item.type === 'reasoning'
        ? { ...item, encrypted_content: encodeReasoningState(details.map((detail) => ({ ...detail, signature: 'forged' }))) }
        : item,
    );
    const refused = await apiError(client.responses.create({ model: 'claude-sonnet-4.5', input: tampered, ...thinking }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, /signature/i);

    // Moved to gpt-5, the Claude state cannot be read there and is dropped (a forged one passes, as it is never sent).
    const moved = await client.responses.create({ model: 'gpt-5', input: tampered, tools: [weatherTool], store: false });
    assert.match(moved.output_text, /The tool returned: snow/);
  });

  it('without include the client gets no encrypted_content, but the store keeps it for previous_response_id', async () => {
    gw.simulator!.setKnobs('claude-sonnet-4-5', { reasoningTokens: 4 });
    const client = gw.client();
    const first = await client.responses.create({
      model: 'claude-sonnet-4.5',
      input: 'Weather in Lima?',
      tools: [weatherTool],
      reasoning: { effort: 'low' },
    });
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    assert.ok(reasoning);
    assert.equal('encrypted_content' in reasoning, false);
    const stored = await gw.responseStore.get(gw.accountId, first.id);
    const kept = stored?.output.find((item) => item.type === 'reasoning');
    assert.ok(decodeReasoningState(kept?.encrypted_content as string) !== undefined, JSON.stringify(kept));
    const [call] = functionCalls(first);
    const second = await client.responses.create({
      model: 'claude-sonnet-4.5',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: 'warm' }],
      tools: [weatherTool],
      reasoning: { effort: 'low' },
    });
    assert.match(second.output_text, /The tool returned: warm/);
  });

  it('a reasoning item that is not ours (real OpenAI encrypted content) is dropped, not sent', async () => {
    const response = await gw.client().responses.create({
      model: 'claude-sonnet-4.5',
      input: [
        { role: 'user', content: 'Hi' },
        { type: 'reasoning', id: 'rs_openai', summary: [], encrypted_content: 'gAAAAABpPDIUph8czEXzDePCV2lJ27wm' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
    });
    assert.match(response.output_text, /How are you/);
  });
});

describe('hosted tools', () => {
  for (const model of ['claude-sonnet-4.5', 'gemini-2.5-flash', 'gpt-5']) {
    it(`${model}: web_search and file_search are dropped and named in x-op-warnings, never refused or billed`, async () => {
      const { data: response, response: http } = await gw
        .client()
        .responses.create({
          model,
          input: 'Weather in Paris?',
          tools: [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: ['vs_1'] }, weatherTool],
        })
        .withResponse();
      assertValidResponse(response);
      assert.match(http.headers.get('x-op-warnings') ?? '', /hosted tools dropped.*web_search, file_search/);
      assert.deepEqual(
        response.tools.map((tool) => tool.type),
        ['function'],
      );
      assert.equal(functionCalls(response)[0]?.name, 'get_weather');
    });
  }

  it('with only hosted tools the model answers in text', async () => {
    const response = await gw
      .client()
      .responses.create({ model: 'gemini-2.5-flash', input: 'Search the web', tools: [{ type: 'web_search_preview' }] });
    assert.match(response.output_text, /Simulated reply/);
  });
});

describe('item_reference', () => {
  it('resolves against the stored items of the account', async () => {
    const client = gw.client();
    const first = await client.responses.create({ model: 'gpt-5', input: 'Remember the word banana' });
    const message = first.output[0];
    assert.ok(message);
    const second = await client.responses.create({
      model: 'claude-sonnet-4.5',
      input: [
        { role: 'user', content: 'Remember the word banana' },
        { type: 'item_reference', id: message.id ?? '' },
        { role: 'user', content: 'Which word?' },
      ],
    });
    assert.match(second.output_text, /Which word/);
    const items = [];
    for await (const item of client.responses.inputItems.list(second.id, { order: 'asc' })) items.push(item);
    assert.deepEqual(
      items.map((item) => item.id),
      [items[0]?.id, message.id, items[2]?.id],
    );
  });
});

describe('incomplete and failed answers', () => {
  it('max_output_tokens cuts the answer: status incomplete, reason max_output_tokens (JSON and stream)', async () => {
    gw.simulator!.setKnobs('gpt-5', { outputTokens: 100 });
    const response = await gw.client().responses.create({ model: 'gpt-5', input: 'Tell me a long story', max_output_tokens: 16 });
    assertValidResponse(response);
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(response.output[0]?.type === 'message' && response.output[0].status, 'incomplete');
    const { events } = await rawEvents({ model: 'gpt-5', input: 'Tell me a long story', max_output_tokens: 16 });
    for (const { data } of events) assertValidEvent(data);
    const last = events.at(-1);
    assert.equal(last?.event, 'response.incomplete');
    assert.deepEqual((last?.data.response as Response | undefined)?.incomplete_details, { reason: 'max_output_tokens' });
  });

  it('a stream that fails after its first event ends with an error event then response.failed, as OpenAI records it', async () => {
    gw.simulator!.setKnobs('gpt-5', { midStreamError: true });
    const { events } = await rawEvents({ model: 'gpt-5', input: 'This will break' });
    for (const { event, data } of events) {
      assert.equal(event, data.type, 'the event: name is the type');
      assertValidEvent(data);
    }
    const [errorEvent, failed] = events.slice(-2);
    assert.equal(errorEvent?.event, 'error');
    assert.deepEqual(Object.keys(errorEvent?.data ?? {}).sort(), ['error', 'sequence_number', 'type']);
    assert.equal(failed?.event, 'response.failed');
    const response = failed?.data.response as Response;
    assert.equal(response.status, 'failed');
    assert.equal(response.error?.code, 'server_error');
    const error = await apiError(
      (async () => {
        for await (const _event of gw.client().responses.stream({ model: 'gpt-5', input: 'This will break' }));
      })(),
    );
    assert.match(error.message, /.+/);
  });
});

describe('previous_response_id across providers', () => {
  it('a conversation may switch providers between turns', async () => {
    const client = gw.client();
    const first = await client.responses.create({ model: 'gemini-2.5-flash', input: 'Weather in Madrid?', tools: [weatherTool] });
    const [call] = functionCalls(first);
    const second = await client.responses.create({
      model: 'claude-sonnet-4.5',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: 'hot' }],
    });
    const third = await client.responses.create({ model: 'gpt-5', previous_response_id: second.id, input: 'And tomorrow?' });
    assert.match(third.output_text, /And tomorrow/);
    const items = [];
    for await (const item of client.responses.inputItems.list(third.id, { order: 'asc' })) items.push(item.type);
    assert.deepEqual(items, ['message', 'function_call', 'function_call_output', 'message', 'message']);
  });
});
