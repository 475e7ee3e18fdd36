/**
 * `POST /v1/messages` end to end (issue 18) with the real `@anthropic-ai/sdk` on the test gateway and its simulator:
 * `messages.create` and `messages.stream` with text, a system prompt, a tool round trip, an image and stop sequences
 * on Claude (answered natively), gpt-5 and gemini-2.5-flash (translated) and `auto`; Anthropic's model names; token
 * counts; the ledger rows (endpoint `messages`) and the headers every answer carries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicClient, anthropicError, PIXEL_PNG } from '../helpers/messages.js';
import { ledgerRows } from '../helpers/ledger.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

/** The models every flow runs on: Claude natively, two translated formats, and smart routing. */
const MODELS = ['claude-sonnet-4.5', 'gpt-5', 'gemini-2.5-flash', 'auto'];

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** A usage object with our `cost_usd`. */
type CostedUsage = { input_tokens: number; output_tokens: number; cost_usd?: number };

/**
 * What a streamed answer came as: the event types in order and the final message, whose usage is the last
 * `message_delta`'s (the SDK's snapshot keeps Anthropic's counters only, so `cost_usd` is read from the event).
 */
async function streamed(
  client: Anthropic,
  params: Anthropic.MessageCreateParamsNonStreaming,
): Promise<{ types: string[]; message: Anthropic.Message }> {
  const stream = client.messages.stream(params);
  const types: string[] = [];
  let deltaUsage: CostedUsage | undefined;
  stream.on('streamEvent', (event) => {
    types.push(event.type);
    if (event.type === 'message_delta') deltaUsage = event.usage as CostedUsage;
  });
  const message = await stream.finalMessage();
  return { types, message: { ...message, usage: { ...message.usage, cost_usd: deltaUsage?.cost_usd } as Anthropic.Usage } };
}

/** The text of a message's text blocks. */
function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

function assertMessageShape(message: Anthropic.Message, model: string): void {
  assert.match(message.id, /^msg_/);
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  if (model !== 'auto') assert.equal(message.model, model);
  else assert.ok(message.model !== 'auto' && message.model.length > 0);
  const usage = message.usage as CostedUsage;
  assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0, JSON.stringify(usage));
  assert.ok(typeof usage.cost_usd === 'number' && usage.cost_usd > 0, `cost_usd: ${String(usage.cost_usd)}`);
}

describe('text and a system prompt', () => {
  for (const model of MODELS) {
    it(`${model}: messages.create and messages.stream answer a Message with usage and cost`, async () => {
      const client = anthropicClient(gw);
      const params = {
        model,
        max_tokens: 64,
        system: 'You are terse.',
        messages: [{ role: 'user' as const, content: 'Say hello to the messages door' }],
      };
      const { data: message, response } = await client.messages.create(params).withResponse();
      assertMessageShape(message, model);
      assert.equal(message.stop_reason, 'end_turn');
      assert.match(textOf(message), /^Simulated reply from .*hello/);
      assert.match(response.headers.get('request-id') ?? '', /^req_/);
      assert.equal(response.headers.get('request-id'), response.headers.get('x-request-id'));
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
        assert.match(response.headers.get(name) ?? '', /^\d+$/, name);

      const { types, message: final } = await streamed(client, params);
      assertMessageShape(final, model);
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(textOf(final), textOf(message));
      assert.equal(types[0], 'message_start');
      assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
      assert.ok(types.includes('content_block_start') && types.includes('content_block_delta') && types.includes('content_block_stop'));
    });
  }
});

describe('a tool round trip', () => {
  for (const model of MODELS) {
    for (const stream of [false, true]) {
      it(`${model}${stream ? ' streamed' : ''}: tool_use, then the tool_result back, then text`, async () => {
        const client = anthropicClient(gw);
        const first: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Paris?' };
        const params = { model, max_tokens: 200, tools: [WEATHER_TOOL], messages: [first] };
        const call = stream ? (await streamed(client, params)).message : await client.messages.create(params);
        assert.equal(call.stop_reason, 'tool_use');
        const toolUse = call.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
        assert.ok(toolUse, JSON.stringify(call.content));
        assert.equal(toolUse.name, 'get_weather');
        assert.equal(typeof (toolUse.input as { city?: unknown }).city, 'string');

        const result: Anthropic.MessageParam = {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Sunny and 21 degrees' }],
        };
        const next = {
          ...params,
          model: model === 'auto' ? call.model : model,
          messages: [first, { role: 'assistant' as const, content: call.content }, result],
        };
        const answer = stream ? (await streamed(client, next)).message : await client.messages.create(next);
        assert.equal(answer.stop_reason, 'end_turn');
        assert.match(textOf(answer), /The tool returned: Sunny and 21 degrees/);
      });
    }
  }
});

describe('an image', () => {
  for (const model of MODELS) {
    it(`${model}: a base64 image reaches the model`, async () => {
      const message = await anthropicClient(gw).messages.create({
        model,
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL_PNG } },
              { type: 'text', text: 'What is in this picture?' },
            ],
          },
        ],
      });
      assert.match(textOf(message), /I see 1 image/);
    });
  }
});

describe('stop sequences', () => {
  for (const model of MODELS) {
    it(`${model}: the answer stops before the sequence, whole or streamed`, async () => {
      const client = anthropicClient(gw);
      const params = { model, max_tokens: 64, stop_sequences: ['gamma'], messages: [{ role: 'user' as const, content: 'alpha beta gamma delta' }] };
      for (const message of [await client.messages.create(params), (await streamed(client, params)).message]) {
        const text = textOf(message);
        assert.match(text, /alpha beta $/);
        assert.ok(!text.includes('gamma'));
        if (model === 'claude-sonnet-4.5') {
          // Claude says which sequence matched; OpenAI-format and Gemini upstreams report an ordinary stop.
          assert.equal(message.stop_reason, 'stop_sequence');
          assert.equal(message.stop_sequence, 'gamma');
        } else assert.ok(message.stop_reason === 'end_turn' || message.stop_reason === 'stop_sequence');
      }
    });
  }

  it('max_tokens cuts an answer with stop_reason max_tokens on every format', async () => {
    for (const model of ['claude-sonnet-4.5', 'gpt-5', 'gemini-2.5-flash']) {
      const message = await anthropicClient(gw).messages.create({
        model,
        max_tokens: 3,
        messages: [{ role: 'user', content: 'Say many words please' }],
      });
      assert.equal(message.stop_reason, 'max_tokens', model);
      assert.equal(message.usage.output_tokens, 3, model);
    }
  });
});

describe("Anthropic's model names", () => {
  it('claude-sonnet-4-5, its dated id and claude-haiku-4-5-20251001 answer as the catalog models they name', async () => {
    const client = anthropicClient(gw);
    const names: Array<[string, string]> = [
      ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
      ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ];
    for (const [name, id] of names) {
      const message = await client.messages.create({ model: name, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(message.model, id, name);
    }
  });

  it('the same names work on the other endpoints: chat completions answer as the catalog model', async () => {
    const completion = await gw
      .client()
      .chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 });
    assert.equal(completion.model, 'claude-haiku-4.5');
  });
});

describe('messages.countTokens', () => {
  it("Claude's own count for Claude, ours for the others; each a zero-cost ledger row", async () => {
    const account = await gw.addAccount();
    const client = anthropicClient(gw, account.apiKey);
    const params = {
      system: 'You are terse.',
      messages: [{ role: 'user' as const, content: 'Count the tokens of this sentence, please.' }],
      tools: [WEATHER_TOOL],
    };
    const claude = await client.messages.countTokens({ ...params, model: 'claude-sonnet-4-5' });
    const gpt = await client.messages.countTokens({ ...params, model: 'gpt-5' });
    // The simulator counts ceil(chars / 4) + 3 per message (the system prompt one), plus the tools' JSON / 4.
    const simulated = Math.ceil('You are terse.'.length / 4) + 3 + Math.ceil('Count the tokens of this sentence, please.'.length / 4) + 3;
    assert.ok(claude.input_tokens > simulated, `${claude.input_tokens}: the tools count too`);
    assert.ok(gpt.input_tokens > 0);
    const rows = await ledgerRows(gw, account.accountId, 2);
    assert.deepEqual(rows.map((r) => [r.endpoint, r.requestedModel, r.routedModel, r.promptTokens, r.completionTokens, r.costUsd, r.status]).sort(), [
      ['messages', 'claude-sonnet-4-5', 'claude-sonnet-4.5', 0, 0, 0, 200],
      ['messages', 'gpt-5', null, 0, 0, 0, 200],
    ]);
  });
});

describe('the ledger', () => {
  it('records each answer under endpoint messages with the tokens and cost the client was sent', async () => {
    const account = await gw.addAccount();
    const client = anthropicClient(gw, account.apiKey);
    const sent: Array<[string, number, number, number, number]> = [];
    for (const model of ['claude-sonnet-4.5', 'gpt-5']) {
      const whole = await client.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Record me' }] });
      const { message: streamedMessage } = await streamed(client, { model, max_tokens: 32, messages: [{ role: 'user', content: 'Record me too' }] });
      for (const [message, stream] of [
        [whole, 0],
        [streamedMessage, 1],
      ] as const) {
        const usage = message.usage as CostedUsage;
        sent.push([model, stream, usage.input_tokens, usage.output_tokens, usage.cost_usd ?? -1]);
      }
    }
    const rows = await ledgerRows(gw, account.accountId, 4);
    assert.deepEqual(rows.map((r) => [r.routedModel ?? '', r.stream, r.promptTokens, r.completionTokens, r.costUsd]).sort(), sent.sort());
    assert.ok(rows.every((r) => r.endpoint === 'messages' && r.status === 200));
  });
});

describe('extended thinking with a tool call on Claude', () => {
  const thinking = { type: 'enabled' as const, budget_tokens: 2048 };
  const first: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Oslo?' };

  for (const stream of [false, true]) {
    it(`${stream ? 'streamed: thinking_delta and signature_delta, then' : 'the'} signed thinking block goes back with the tool result and is accepted`, async () => {
      const client = anthropicClient(gw);
      const params = { model: 'claude-sonnet-4-5', max_tokens: 4096, thinking, tools: [WEATHER_TOOL], messages: [first] };
      const { types, message: call } = stream ? await streamed(client, params) : { types: [], message: await client.messages.create(params) };
      assert.deepEqual(
        call.content.map((block) => block.type),
        ['thinking', 'tool_use'],
      );
      const block = call.content[0] as Anthropic.ThinkingBlock;
      assert.ok(block.thinking.length > 0 && block.signature.length > 0, JSON.stringify(block));
      if (stream) assert.ok(types.includes('content_block_delta'));
      const toolUse = call.content[1] as Anthropic.ToolUseBlock;
      const result: Anthropic.MessageParam = {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Snow, -3 degrees' }],
      };
      const next = { ...params, messages: [first, { role: 'assistant' as const, content: call.content }, result] };
      const answer = stream ? (await streamed(client, next)).message : await client.messages.create(next);
      assert.equal(answer.stop_reason, 'end_turn');
      assert.match(textOf(answer), /The tool returned: Snow, -3 degrees/);
    });
  }

  it("a tampered signature is Claude's 400, forwarded in Anthropic's shape and not charged", async () => {
    const account = await gw.addAccount();
    const client = anthropicClient(gw, account.apiKey);
    const params = { model: 'claude-sonnet-4-5', max_tokens: 4096, thinking, tools: [WEATHER_TOOL], messages: [first] };
    const call = await client.messages.create(params);
    const [block, toolUse] = call.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    const tampered = { ...block, thinking: `${block.thinking} (edited)` };
    const result: Anthropic.MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Snow' }] };
    const error = await anthropicError(
      client.messages.create({ ...params, messages: [first, { role: 'assistant', content: [tampered, toolUse] }, result] }),
    );
    assert.equal(error.status, 400);
    assert.equal((error.error as { error?: { type?: string } }).error?.type, 'invalid_request_error');
    assert.match(error.message, /signature/);
    const rows = await ledgerRows(gw, account.accountId, 2);
    const refused = rows.find((r) => r.status === 400);
    assert.ok(refused, JSON.stringify(rows));
    assert.deepEqual([refused.endpoint, refused.costUsd, refused.promptTokens], ['messages', 0, 0]);
  });

  it('a conversation Claude started with signed thinking can go on with gpt-5, which never sees the signatures', async () => {
    const client = anthropicClient(gw);
    const params = { model: 'claude-sonnet-4-5', max_tokens: 4096, thinking, tools: [WEATHER_TOOL], messages: [first] };
    const call = await client.messages.create(params);
    const toolUse = call.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    assert.ok(toolUse);
    const result: Anthropic.MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Fog' }] };
    const answer = await client.messages.create({
      ...params,
      model: 'gpt-5',
      messages: [first, { role: 'assistant', content: call.content }, result],
    });
    assert.equal(answer.model, 'gpt-5');
    assert.match(textOf(answer), /The tool returned: Fog/);
  });
});

describe("Anthropic's model list", () => {
  it('models.list pages through the chat models; models.retrieve resolves an alias; an unknown id is not_found_error', async () => {
    const client = anthropicClient(gw);
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 5 })) {
      assert.equal(model.type, 'model');
      assert.match(model.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      ids.push(model.id);
    }
    assert.ok(ids.includes('claude-sonnet-4.5') && ids.includes('gpt-5'));
    assert.ok(!ids.includes('text-embedding-3-small'), 'embedding models are not listed');
    assert.equal(new Set(ids).size, ids.length);
    const model = await client.models.retrieve('claude-haiku-4-5-20251001');
    assert.deepEqual([model.id, model.type], ['claude-haiku-4.5', 'model']);
    const error = await anthropicError(client.models.retrieve('claude-opus-9'));
    assert.equal(error.status, 404);
    assert.equal((error.error as { error?: { type?: string } }).error?.type, 'not_found_error');
    const openai = await gw.client().models.list();
    assert.ok(
      openai.data.some((m) => m.id === 'text-embedding-3-small'),
      'without anthropic-version: the OpenAI list, unchanged',
    );
  });
});
