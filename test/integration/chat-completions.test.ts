/**
 * The core gateway through the official openai SDK: every provider, JSON and SSE, checked against OpenAI's schemas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { validateOpenAI } from '../openai-schemas.js';
import { MODEL_PER_PROVIDER, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the gateway tests please' },
];

describe('non-streaming, one model of each provider', () => {
  for (const [provider, model] of Object.entries(MODEL_PER_PROVIDER)) {
    it(`${provider}: ${model} answers a chat.completion with usage and cost`, async () => {
      const { data: completion, response } = await gw.client().chat.completions.create({ model, messages, max_tokens: 12 }).withResponse();
      validateOpenAI('CreateChatCompletionResponse', completion);
      assert.equal(completion.model, model);
      assert.match(completion.id, /^chatcmpl-/);
      assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
      const choice = completion.choices[0];
      assert.equal(choice?.message.role, 'assistant');
      assert.ok((choice?.message.content ?? '').length > 0);
      assert.ok(choice?.finish_reason === 'stop' || choice?.finish_reason === 'length');
      const usage = completion.usage as unknown as { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost_usd: number };
      assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
      assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
      const pricing = modelPricing(model);
      assert.ok(pricing);
      const expected = (usage.prompt_tokens * pricing.input + usage.completion_tokens * pricing.output) / 1e6;
      assert.ok(Math.abs(usage.cost_usd - expected) < 1e-9, `${usage.cost_usd} vs ${expected}`);
    });
  }

  it('stops at max_tokens with finish_reason length on every wire format', async () => {
    for (const model of ['gpt-4o-mini', 'claude-haiku-4.5', 'gemini-2.5-flash']) {
      const completion = await gw.client().chat.completions.create({ model, messages, max_tokens: 3 });
      assert.equal(completion.choices[0]?.finish_reason, 'length', model);
      assert.equal(completion.usage?.completion_tokens, 3, model);
    }
  });
});

describe('streaming, one model of each provider', () => {
  for (const [provider, model] of Object.entries(MODEL_PER_PROVIDER)) {
    it(`${provider}: ${model} streams chunks, a finish reason, then the usage chunk`, async () => {
      const stream = await gw.client().chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
      assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
      assert.ok(chunks.every((c) => c.model === model && c.id === chunks[0]?.id));
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      assert.ok(text.length > 0);
      const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
      assert.deepEqual(finishes, ['stop']);
      const last = chunks.at(-1);
      assert.deepEqual(last?.choices, []);
      const usage = last?.usage as unknown as { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost_usd: number };
      assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
      assert.equal(typeof usage.cost_usd, 'number');
      assert.ok(usage.cost_usd > 0);
    });
  }

  it('sends no usage chunk when the client does not ask, and ends with [DONE]', async () => {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4.5', messages, stream: true }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    const events = (await response.text()).split('\n\n').filter((e) => e !== '');
    assert.equal(events.at(-1), 'data: [DONE]');
    for (const event of events.slice(0, -1)) {
      const chunk = JSON.parse(event.replace(/^data: /, '')) as { choices: unknown[]; usage?: unknown };
      assert.ok(chunk.choices.length > 0);
      assert.equal(chunk.usage, undefined);
    }
  });
});

describe('models', () => {
  it('lists the 20 catalog models (16 chat, 4 embedding) in OpenAI shape with our fields', async () => {
    const response = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.apiKey}` } });
    const list = (await response.json()) as { object: string; data: Array<Record<string, unknown>> };
    validateOpenAI('ListModelsResponse', list);
    assert.equal(list.data.length, 20);
    assert.equal(list.data.filter((m) => m.kind === 'embedding').length, 4);
    const gpt5 = list.data.find((m) => m.id === 'gpt-5');
    assert.deepEqual(gpt5, {
      id: 'gpt-5',
      object: 'model',
      created: 1754524800,
      owned_by: 'openai',
      kind: 'chat',
      context_length: 131072,
      max_output_tokens: 128000,
      pricing: { input_per_million: 2.5, output_per_million: 10, cached_input_per_million: 0.25 },
      capabilities: { vision: true, tools: true },
    });
    assert.equal(list.data.find((m) => m.id === 'llama-4-maverick')?.owned_by, 'meta');
    assert.deepEqual(
      list.data.find((m) => m.id === 'gemini-embedding-001'),
      {
        id: 'gemini-embedding-001',
        object: 'model',
        created: 1752451200,
        owned_by: 'google',
        kind: 'embedding',
        dimensions: 3072,
        dimension_range: { min: 128, max: 3072 },
        max_input_tokens: 2048,
        pricing: { input_per_million: 0.15, output_per_million: 0 },
      },
    );
    assert.equal(list.data.find((m) => m.id === 'mistral-embed')?.dimension_range, null);
  });

  it('refuses a chat completion naming an embedding model with a 400 on `model`, streaming or not', async () => {
    for (const stream of [false, true]) {
      await assert.rejects(
        gw.client().chat.completions.create({ model: 'text-embedding-3-small', stream, messages: [{ role: 'user', content: 'hi' }] }),
        { status: 400, code: 'invalid_request', param: 'model', message: /is an embedding model/ },
      );
    }
  });

  it('retrieves one model through the SDK and 404s an unknown one', async () => {
    const model = await gw.client().models.retrieve('claude-opus-4.5');
    validateOpenAI('Model', model);
    assert.equal((model as unknown as { context_length: number }).context_length, 204800);
    await assert.rejects(gw.client().models.retrieve('nope'), { status: 404, code: 'model_not_found' });
  });
});

function modelPricing(model: string): { input: number; output: number } | undefined {
  const pricing: Record<string, { input: number; output: number }> = {
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'claude-haiku-4.5': { input: 1, output: 5 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5 },
    'mistral-large': { input: 2, output: 6 },
    'deepseek-chat': { input: 0.28, output: 0.42 },
    'grok-4': { input: 3, output: 15 },
    'llama-4-maverick': { input: 0.2, output: 0.6 },
  };
  return pricing[model];
}

describe('n > 1', () => {
  for (const model of ['claude-haiku-4.5', 'gemini-2.5-flash', 'gpt-4o-mini']) {
    it(`${model}: n=2 answers two choices, non-streaming and streaming`, async () => {
      const single = await gw.client().chat.completions.create({ model, messages, max_tokens: 8 });
      const completion = await gw.client().chat.completions.create({ model, messages, max_tokens: 8, n: 2 });
      validateOpenAI('CreateChatCompletionResponse', completion);
      assert.deepEqual(
        completion.choices.map((c) => c.index),
        [0, 1],
      );
      assert.ok(completion.choices.every((c) => (c.message.content ?? '').length > 0));
      assert.equal(completion.usage?.completion_tokens, 2 * (single.usage?.completion_tokens ?? 0));

      const stream = await gw
        .client()
        .chat.completions.create({ model, messages, max_tokens: 8, n: 2, stream: true, stream_options: { include_usage: true } });
      const text = new Map<number, string>();
      const roles = new Set<number>();
      const finishes: number[] = [];
      for await (const chunk of stream) {
        validateOpenAI('CreateChatCompletionStreamResponse', chunk);
        for (const choice of chunk.choices) {
          if (choice.delta.role === 'assistant') roles.add(choice.index);
          text.set(choice.index, (text.get(choice.index) ?? '') + (choice.delta.content ?? ''));
          if (choice.finish_reason !== null) finishes.push(choice.index);
        }
      }
      assert.deepEqual([...roles].sort(), [0, 1]);
      assert.deepEqual(finishes.sort(), [0, 1]);
      assert.ok((text.get(0) ?? '').length > 0 && (text.get(1) ?? '').length > 0);
    });
  }
});
