import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ChatCompletionChunk } from '../../core/chat-response.js';
import type { StreamStep } from '../types.js';
import { openAIAdapter } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const ctx = { id: 'chatcmpl-test', model: 'gpt-5-nano', created: 1700000000 };
const target = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test', upstreamModel: 'gpt-5-nano-2025-08-07' };

describe('openai request', () => {
  const req: ChatCompletionRequest = {
    model: 'gpt-5-nano',
    messages: [{ role: 'user', content: 'hi' }],
    routing: 'cost',
    models: ['gpt-5-nano', 'gpt-5-mini'],
    provider: { order: ['openai'], sort: 'price' },
    route: 'fallback',
    seed: 7,
    custom_vendor_field: { keep: true },
  };

  it('passes the body through with the upstream model and without our routing, models, provider and route fields', () => {
    const { request } = openAIAdapter.toUpstream(req, target, false);
    assert.equal(request.path, '/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-test');
    assert.deepEqual(request.body, {
      model: 'gpt-5-nano-2025-08-07',
      messages: [{ role: 'user', content: 'hi' }],
      seed: 7,
      custom_vendor_field: { keep: true },
    });
  });

  it('always asks for usage on streams, keeping the client stream options', () => {
    const { request } = openAIAdapter.toUpstream({ ...req, stream: true, stream_options: { include_obfuscation: false } }, target, true);
    assert.equal(request.body.stream, true);
    assert.deepEqual(request.body.stream_options, { include_obfuscation: false, include_usage: true });
  });

  it("on the gateway's key, store becomes false (the operator's account keeps no tenant conversation)", () => {
    for (const stream of [false, true]) {
      const asked = openAIAdapter.toUpstream({ ...req, store: true, metadata: { a: 'b' } }, target, stream);
      assert.equal(asked.request.body.store, false);
      assert.deepEqual(asked.warnings, ["store (not on the gateway's provider account)"]);
      for (const store of [false, null]) {
        const off = openAIAdapter.toUpstream({ ...req, store }, { ...target, byok: false }, stream);
        assert.equal(off.request.body.store, false);
        assert.deepEqual(off.warnings, []);
      }
    }
    // Not sent at all: OpenAI's default for Chat Completions is false, and vendors that refuse unknown fields
    // (Mistral answers 422) would fail every request if the gateway added it.
    assert.equal('store' in openAIAdapter.toUpstream(req, target, false).request.body, false);
  });

  it("with the account's own key (BYOK), store passes through as sent", () => {
    const byok = { ...target, apiKey: 'sk-tenant', byok: true };
    assert.equal(openAIAdapter.toUpstream({ ...req, store: true }, byok, false).request.body.store, true);
    assert.equal(openAIAdapter.toUpstream({ ...req, store: false }, byok, true).request.body.store, false);
    assert.equal('store' in openAIAdapter.toUpstream(req, byok, false).request.body, false);
  });
});

describe('openai response', () => {
  it('re-stamps a recorded completion and keeps content, finish reason and usage', () => {
    const completion = openAIAdapter.fromUpstream(JSON.parse(fixture('openai-text.json')), ctx);
    validateOpenAI('CreateChatCompletionResponse', completion);
    assert.equal(completion.id, 'chatcmpl-test');
    assert.equal(completion.model, 'gpt-5-nano');
    assert.equal(completion.created, 1700000000);
    const recorded = JSON.parse(fixture('openai-text.json')) as { choices: [{ message: { content: string } }] };
    assert.match(recorded.choices[0].message.content, /^\*\*Holiday Name:\*\* Galaxy Day/);
    assert.deepEqual(completion.choices, [
      {
        index: 0,
        message: { role: 'assistant', content: recorded.choices[0].message.content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    assert.equal(completion.system_fingerprint, 'fp_de604bd877');
    assert.deepEqual(completion.usage, {
      prompt_tokens: 16,
      completion_tokens: 363,
      total_tokens: 379,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('rejects a body that is not a completion with a 502', () => {
    assert.throws(() => openAIAdapter.fromUpstream({ hello: 'world' }, ctx), { status: 502, code: 'provider_error' });
  });

  it('maps vendor finish reasons onto the four OpenAI values', () => {
    const body = (reason: string) => ({ choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: reason }] });
    assert.equal(openAIAdapter.fromUpstream(body('model_length'), ctx).choices[0]?.finish_reason, 'length');
    assert.equal(openAIAdapter.fromUpstream(body('insufficient_system_resource'), ctx).choices[0]?.finish_reason, 'stop');
    assert.equal(openAIAdapter.fromUpstream(body('tool_calls'), ctx).choices[0]?.finish_reason, 'tool_calls');
  });
});

describe('openai refusals', () => {
  const refusal = "I'm sorry, I can't help with that.";

  it('keeps the refusal field of a completion, with null content', () => {
    const body = {
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
    };
    const completion = openAIAdapter.fromUpstream(body, ctx);
    validateOpenAI('CreateChatCompletionResponse', completion);
    assert.deepEqual(completion.choices[0]?.message, { role: 'assistant', content: null, refusal });
  });

  it('forwards refusal deltas in a stream', () => {
    const translator = openAIAdapter.createStreamTranslator(ctx);
    const events = [
      { choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: '' }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { refusal: "I'm sorry, " }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { refusal: "I can't help with that." }, finish_reason: null }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ];
    const chunks = events.flatMap((event) => translator.push({ data: JSON.stringify(event) }).chunks);
    for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.refusal ?? '').join(''), refusal);
    assert.equal(chunks[0]?.choices[0]?.delta.content, undefined, 'a null content is left out of the delta');
  });
});

function replay(lines: string[], withDone: boolean): { chunks: ChatCompletionChunk[]; steps: StreamStep[] } {
  const translator = openAIAdapter.createStreamTranslator(ctx);
  const steps = lines.map((data) => translator.push({ data }));
  if (withDone) steps.push(translator.push({ data: '[DONE]' }));
  steps.push(translator.end());
  return { chunks: steps.flatMap((s) => s.chunks), steps };
}

describe('openai stream', () => {
  const lines = fixture('azure-model-router.1.chunks.txt')
    .split('\n')
    .filter((l) => l.trim() !== '');

  it('replays a recorded Azure stream: content, finish chunk, usage kept off the chunks', () => {
    const { chunks, steps } = replay(lines, true);
    for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    assert.ok(chunks.every((c) => c.id === 'chatcmpl-test' && c.model === 'gpt-5-nano' && c.usage === undefined));
    assert.deepEqual(
      chunks.map((c) => [c.choices[0]?.index, c.choices[0]?.delta, c.choices[0]?.finish_reason]),
      [
        [0, { role: 'assistant', content: '' }, null],
        [0, { content: 'Capital' }, null],
        [0, { content: ' of' }, null],
        [0, { content: ' Denmark' }, null],
        [0, { content: '.' }, null],
        [0, {}, 'stop'],
      ],
      'the prompt-filter and usage-only chunks (choices: []) produce no chunk',
    );
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    const usage = steps.findLast((s) => s.usage !== undefined)?.usage;
    assert.deepEqual(usage, {
      prompt_tokens: 15,
      completion_tokens: 78,
      total_tokens: 93,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 64 },
    });
    assert.ok(steps.every((s) => s.error === undefined));
  });

  it('reports a stream cut before any finish as an error', () => {
    const { steps } = replay(lines.slice(0, 3), false);
    assert.equal(steps.at(-1)?.error?.code, 'provider_error');
  });

  it('turns an in-band error event into a typed error, and bad JSON too', () => {
    const translator = openAIAdapter.createStreamTranslator(ctx);
    const inBand = translator.push({ data: '{"error":{"message":"overloaded","type":"server_error","code":503}}' });
    assert.equal(inBand.error?.status, 503);
    assert.match(inBand.error?.message ?? '', /overloaded/);
    assert.equal(translator.push({ data: '{not json' }).error?.code, 'provider_error');
  });
});

describe('openai errors', () => {
  it('keeps the upstream message of a recorded 400', () => {
    const error = openAIAdapter.toGatewayError(400, {}, fixture('reasoning-model-legacy-parameter-error.json'));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /max_completion_tokens/);
  });

  it('forwards a 429 retry delay and treats 5xx as unavailable', () => {
    const limited = openAIAdapter.toGatewayError(429, { 'retry-after': '7' }, '{"error":{"message":"slow down"}}');
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterSeconds, 7);
    const down = openAIAdapter.toGatewayError(502, {}, '<html>bad gateway</html>');
    assert.equal(down.status, 503);
    assert.equal(down.code, 'provider_unavailable');
    assert.equal(down.retryable, true);
  });
});
