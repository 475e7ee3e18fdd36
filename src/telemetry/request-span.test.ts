import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { ChatCompletion } from '../core/chat-response.js';
import { CONTENT_BUDGET_CHARS } from './content.js';
import { RequestSpan, type RequestOutcome, type RequestStart } from './request-span.js';
import { TraceTools } from './trace-tools.js';

const START: RequestStart = {
  endpoint: 'chat.completions',
  requestedModel: 'auto',
  stream: false,
  requestId: 'req_1',
  accountId: 'acc_1',
  keyId: 'key_1',
};
const OUTCOME: RequestOutcome = {
  status: 200,
  errorCode: null,
  responseModel: 'gpt-5',
  provider: 'google',
  usage: undefined,
  cacheHit: false,
  byok: false,
};

const BODY: ChatCompletionRequest = {
  model: 'auto',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
  ],
};

const COMPLETION: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-5',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A cat.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, cost_usd: 0.001 },
};

/** A request span recorded in memory; `finish` ends it and returns what was exported. */
function traced(captureContent: boolean, start = START): { span: RequestSpan; finish(outcome?: RequestOutcome): ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tools = new TraceTools(provider.getTracer('test'), new W3CTraceContextPropagator(), captureContent);
  const span = new RequestSpan(tools, {}, start, performance.now());
  return {
    span,
    finish: (outcome = OUTCOME) => {
      span.end(outcome);
      return exporter.getFinishedSpans();
    },
  };
}

describe('RequestSpan', () => {
  it('records no prompt or completion unless content capture is on', () => {
    const { span, finish } = traced(false);
    span.requested(BODY);
    span.completed(COMPLETION);
    const [exported] = finish();
    assert.equal(exported?.attributes['gen_ai.input.messages'], undefined);
    assert.equal(exported?.attributes['gen_ai.output.messages'], undefined);
    assert.deepEqual(exported?.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(exported?.attributes['gen_ai.provider.name'], 'gcp.gemini', "the conventions' name for the google provider");
  });

  it("records them in the conventions' message schema when on, without inline media", () => {
    const { span, finish } = traced(true);
    span.requested(BODY);
    span.completed(COMPLETION);
    const [exported] = finish();
    assert.deepEqual(JSON.parse(String(exported?.attributes['gen_ai.input.messages'])), [
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is in this image?' }, { type: 'image_url' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'look', arguments: '{"x":1}' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'a cat' }] },
    ]);
    assert.deepEqual(JSON.parse(String(exported?.attributes['gen_ai.output.messages'])), [
      { role: 'assistant', parts: [{ type: 'text', content: 'A cat.' }], finish_reason: 'stop' },
    ]);
  });

  it('assembles a streamed answer, and bounds what it records', () => {
    const { span, finish } = traced(true, { ...START, stream: true });
    span.requested({ ...BODY, stream: true, messages: [{ role: 'user', content: 'x'.repeat(CONTENT_BUDGET_CHARS * 2) }] });
    const chunk = (content: string, finishReason: 'stop' | null) => ({
      id: 'chatcmpl-2',
      object: 'chat.completion.chunk' as const,
      created: 0,
      model: 'gpt-5',
      choices: [{ index: 0, delta: { content }, finish_reason: finishReason }],
    });
    span.streamed([chunk('Hel', null), chunk('lo', null)]);
    span.streamed([chunk('', 'stop')]);
    const [exported] = finish();
    const input = String(exported?.attributes['gen_ai.input.messages']);
    assert.ok(input.length < CONTENT_BUDGET_CHARS + 200, `bounded: ${input.length}`);
    assert.deepEqual(JSON.parse(String(exported?.attributes['gen_ai.output.messages'])), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' },
    ]);
    assert.equal(exported?.attributes['gen_ai.response.id'], 'chatcmpl-2');
  });

  it('marks a 5xx as an error of the span, a 4xx only with error.type', () => {
    const serverError = traced(false).finish({ ...OUTCOME, status: 503, errorCode: 'provider_unavailable' })[0];
    assert.equal(serverError?.status.code, 2);
    assert.equal(serverError?.attributes['error.type'], 'provider_unavailable');
    const clientError = traced(false).finish({ ...OUTCOME, status: 429, errorCode: 'rate_limit_exceeded' })[0];
    assert.equal(clientError?.status.code, 0);
    assert.equal(clientError?.attributes['error.type'], 'rate_limit_exceeded');
  });

  it('is renamed for a token count', () => {
    const { span, finish } = traced(false, { ...START, endpoint: 'messages', requestedModel: 'claude-haiku-4.5' });
    span.renameOperation('count_tokens');
    const [exported] = finish();
    assert.equal(exported?.name, 'count_tokens claude-haiku-4.5');
    assert.equal(exported?.attributes['gen_ai.operation.name'], 'count_tokens');
  });
});
