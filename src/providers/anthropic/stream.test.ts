import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { ChatCompletionChunk, Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { StreamStep } from '../types.js';
import { anthropicAdapter } from './index.js';

const ctx = { id: 'chatcmpl-stream1', model: 'claude-sonnet', created: 1_700_000_123 };

interface Replay {
  chunks: ChatCompletionChunk[];
  usage: Usage | undefined;
  errors: GatewayError[];
  endStep: StreamStep;
}

/** Pushes each event through a fresh translator, checking every chunk's stamp and OpenAI schema. */
function replay(events: string[]): Replay {
  const translator = anthropicAdapter.createStreamTranslator(ctx);
  const result: Replay = { chunks: [], usage: undefined, errors: [], endStep: { chunks: [] } };
  const collect = (step: StreamStep): void => {
    result.chunks.push(...step.chunks);
    if (step.usage !== undefined) result.usage = step.usage;
    if (step.error !== undefined) result.errors.push(step.error);
  };
  for (const data of events) {
    const parsed: unknown = JSON.parse(data);
    const name = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? String(parsed.type) : undefined;
    collect(translator.push({ event: name, data }));
  }
  result.endStep = translator.end();
  collect(result.endStep);
  for (const chunk of result.chunks) {
    assert.equal(chunk.id, ctx.id);
    assert.equal(chunk.model, ctx.model);
    assert.equal(chunk.created, ctx.created);
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.usage, undefined, 'usage is reported in steps, never on chunks');
    assert.equal(chunk.choices.length, 1);
    assert.equal(chunk.choices[0]?.index, 0);
    validateOpenAI('CreateChatCompletionStreamResponse', chunk);
  }
  return result;
}

function fixtureEvents(name: string): string[] {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '');
}

function deltas(chunks: ChatCompletionChunk[]) {
  return chunks.map((chunk) => chunk.choices[0]?.delta ?? {});
}

function joined(chunks: ChatCompletionChunk[], field: 'content' | 'reasoning_content'): string {
  return deltas(chunks)
    .map((delta) => delta[field] ?? '')
    .join('');
}

interface AssembledCall {
  id: string | undefined;
  name: string | undefined;
  arguments: string;
}

function toolCalls(chunks: ChatCompletionChunk[]): AssembledCall[] {
  const calls: AssembledCall[] = [];
  for (const delta of deltas(chunks)) {
    for (const call of delta.tool_calls ?? []) {
      const entry = calls[call.index] ?? { id: undefined, name: undefined, arguments: '' };
      calls[call.index] = entry;
      if (call.id !== undefined) entry.id = call.id;
      if (call.function?.name !== undefined) entry.name = call.function.name;
      entry.arguments += call.function?.arguments ?? '';
    }
  }
  return calls;
}

function finishReasons(chunks: ChatCompletionChunk[]): string[] {
  return chunks.flatMap((chunk) => (chunk.choices[0]?.finish_reason ? [chunk.choices[0].finish_reason] : []));
}

/** Common shape of a complete, well-formed stream: role first, exactly one finish chunk, last. */
function assertWellFormed(result: Replay, finishReason: string): void {
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.endStep, { chunks: [] });
  assert.deepEqual(result.chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
  assert.deepEqual(finishReasons(result.chunks), [finishReason]);
  const last = result.chunks.at(-1)?.choices[0];
  assert.deepEqual(last?.delta, {});
  assert.equal(last?.finish_reason, finishReason);
}

describe('stream translator with recorded streams', () => {
  it('anthropic-text.chunks.txt: text deltas, end_turn, cumulative usage', () => {
    const result = replay(fixtureEvents('anthropic-text.chunks.txt'));
    assertWellFormed(result, 'stop');
    assert.equal(
      joined(result.chunks, 'content'),
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    assert.equal(result.chunks.length, 1 + 6 + 1, 'role, six text deltas, finish; ping and block events add nothing');
    assert.deepEqual(toolCalls(result.chunks), []);
    assert.deepEqual(result.usage, {
      prompt_tokens: 12,
      completion_tokens: 30,
      total_tokens: 42,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('anthropic-clear-thinking.1.chunks.txt: thinking to reasoning_content, then text', () => {
    const result = replay(fixtureEvents('anthropic-clear-thinking.1.chunks.txt'));
    assertWellFormed(result, 'stop');
    assert.equal(joined(result.chunks, 'reasoning_content'), 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    assert.equal(joined(result.chunks, 'content'), '925 ÷ 5 = 185');
    for (const delta of deltas(result.chunks)) {
      assert.ok(!(delta.content ?? '').includes('previous result'), 'thinking never reaches content');
      assert.notEqual(delta.reasoning_content, '', 'empty thinking deltas are not forwarded');
    }
    assert.equal(result.usage?.prompt_tokens, 69);
    assert.equal(result.usage?.completion_tokens, 53);
    assert.equal(result.usage?.total_tokens, 122);
  });

  it('anthropic-issue-11719-quoted-tool-input.chunks.txt: arguments split mid-escape join to the object', () => {
    const result = replay(fixtureEvents('anthropic-issue-11719-quoted-tool-input.chunks.txt'));
    assertWellFormed(result, 'tool_calls');
    assert.equal(joined(result.chunks, 'content'), '');
    const calls = toolCalls(result.chunks);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.id, 'toolu_01Cr31vcGoeeRgi3Eo5Ds8qN');
    assert.equal(calls[0]?.name, 'website_update');
    assert.deepEqual(JSON.parse(calls[0]?.arguments ?? ''), {
      website_path: '/home/user/pace-landing',
      tasks: [
        {
          description:
            'Today you post every run to Strava, but Strava does not answer the question: "What should I do next after this run?". It is a great log, but it is not adaptive.',
          type: 'feature',
          passes: false,
        },
      ],
    });
    const opening = result.chunks[1]?.choices[0]?.delta.tool_calls;
    assert.deepEqual(opening, [
      { index: 0, id: 'toolu_01Cr31vcGoeeRgi3Eo5Ds8qN', type: 'function', function: { name: 'website_update', arguments: '' } },
    ]);
    assert.deepEqual(result.usage, {
      prompt_tokens: 912,
      completion_tokens: 118,
      total_tokens: 1030,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('anthropic-tool-no-args.chunks.txt: text, then a tool call whose arguments are {}', () => {
    const result = replay(fixtureEvents('anthropic-tool-no-args.chunks.txt'));
    assertWellFormed(result, 'tool_calls');
    assert.equal(joined(result.chunks, 'content'), "I'll update the issue list for you.");
    const calls = toolCalls(result.chunks);
    assert.equal(calls.length, 1, 'the text block does not count as a tool index');
    assert.equal(calls[0]?.id, 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP');
    assert.equal(calls[0]?.name, 'updateIssueList');
    assert.deepEqual(JSON.parse(calls[0]?.arguments ?? ''), {});
    assert.equal(result.usage?.prompt_tokens, 565);
    assert.equal(result.usage?.completion_tokens, 48);
  });

  it('anthropic-message-delta-input-tokens.chunks.txt: the input count in message_delta wins', () => {
    const result = replay(fixtureEvents('anthropic-message-delta-input-tokens.chunks.txt'));
    assertWellFormed(result, 'stop');
    assert.equal(joined(result.chunks, 'content'), 'pong');
    assert.deepEqual(result.usage, {
      prompt_tokens: 61,
      completion_tokens: 2,
      total_tokens: 63,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

const start = (usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }): string =>
  JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage } });
const blockStart = (index: number, block: Record<string, unknown>): string =>
  JSON.stringify({ type: 'content_block_start', index, content_block: block });
const blockDelta = (index: number, delta: Record<string, unknown>): string => JSON.stringify({ type: 'content_block_delta', index, delta });
const blockStop = (index: number): string => JSON.stringify({ type: 'content_block_stop', index });
const messageDelta = (stopReason: string | null, usage: Record<string, unknown> = { output_tokens: 5 }): string =>
  JSON.stringify({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
const stop = JSON.stringify({ type: 'message_stop' });

describe('stream translator rules', () => {
  it('numbers tool calls among tool blocks only', () => {
    const result = replay([
      start(),
      blockStart(0, { type: 'tool_use', id: 'toolu_a', name: 'first', input: {} }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '{"a":1}' }),
      blockStop(0),
      blockStart(1, { type: 'text', text: '' }),
      blockDelta(1, { type: 'text_delta', text: 'between' }),
      blockStop(1),
      blockStart(2, { type: 'tool_use', id: 'toolu_b', name: 'second', input: {} }),
      blockDelta(2, { type: 'input_json_delta', partial_json: '{"b":' }),
      blockDelta(2, { type: 'input_json_delta', partial_json: '2}' }),
      blockStop(2),
      messageDelta('tool_use'),
      stop,
    ]);
    assertWellFormed(result, 'tool_calls');
    assert.deepEqual(
      toolCalls(result.chunks).map((call) => [call.id, call.name, JSON.parse(call.arguments)]),
      [
        ['toolu_a', 'first', { a: 1 }],
        ['toolu_b', 'second', { b: 2 }],
      ],
    );
    const fragments = deltas(result.chunks).flatMap((delta) => delta.tool_calls ?? []);
    assert.deepEqual(fragments.at(-1), { index: 1, function: { arguments: '2}' } });
  });

  it('forwards no chunk for ping, a thinking block that never stops, citation deltas and unknown event types', () => {
    const result = replay([
      start(),
      JSON.stringify({ type: 'ping' }),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      blockDelta(0, { type: 'signature_delta', signature: 'sig' }),
      blockStart(1, { type: 'redacted_thinking', data: 'opaque' }),
      blockDelta(1, { type: 'citations_delta', citation: {} }),
      JSON.stringify({ type: 'some_future_event', value: 1 }),
      messageDelta('end_turn'),
      stop,
    ]);
    assertWellFormed(result, 'stop');
    assert.equal(result.chunks.length, 2, 'only the role and finish chunks');
  });

  it('reports cumulative usage with cache and thinking counts in the steps', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    const first = translator.push({
      data: start({ input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 200, output_tokens: 1 }),
    });
    assert.deepEqual(first.usage, {
      prompt_tokens: 305,
      completion_tokens: 1,
      total_tokens: 306,
      prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 100 },
    });
    const last = translator.push({ data: messageDelta('end_turn', { output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } }) });
    assert.deepEqual(last.usage, {
      prompt_tokens: 305,
      completion_tokens: 40,
      total_tokens: 345,
      prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 25 },
    });
    assert.equal(translator.push({ data: stop }).usage, undefined, 'message_stop carries no usage');
  });

  it('takes the cache counts message_delta repeats or corrects, and keeps the one-hour split of message_start', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push({
      data: start({
        input_tokens: 4,
        cache_creation_input_tokens: 900,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 900 },
        output_tokens: 1,
      }),
    });
    const last = translator.push({
      data: messageDelta('end_turn', { input_tokens: 4, cache_creation_input_tokens: 900, cache_read_input_tokens: 50, output_tokens: 12 }),
    });
    assert.equal(last.usage?.prompt_tokens, 954);
    assert.deepEqual(last.usage?.prompt_tokens_details, { cached_tokens: 50, cache_write_tokens: 900, cache_write_1h_tokens: 900 });
  });

  it('emits the finish chunk at message_stop when message_delta named no stop reason', () => {
    const result = replay([start(), messageDelta(null), stop]);
    assertWellFormed(result, 'stop');
  });

  it('maps an unknown stop reason to stop', () => {
    assertWellFormed(replay([start(), messageDelta('novel_reason'), stop]), 'stop');
  });

  it('sends one role chunk even if message_start repeats', () => {
    const result = replay([start(), start({ input_tokens: 12, output_tokens: 1 }), messageDelta('end_turn'), stop]);
    assertWellFormed(result, 'stop');
    assert.equal(deltas(result.chunks).filter((delta) => delta.role === 'assistant').length, 1);
    assert.equal(result.usage?.prompt_tokens, 12);
  });
});

describe('stream translator errors', () => {
  it('turns an overloaded_error event into a retryable 503', () => {
    const result = replay([start(), JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })]);
    assert.equal(result.errors.length, 1, 'end() after an error reports nothing more');
    const [error] = result.errors;
    assert.equal(error?.status, 503);
    assert.equal(error?.code, 'provider_unavailable');
    assert.equal(error?.retryable, true);
    assert.match(error?.message ?? '', /Overloaded/);
  });

  it('maps other error events by type, even before message_start', () => {
    const result = replay([JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'slow' } })]);
    assert.equal(result.errors[0]?.status, 429);
    assert.equal(result.errors[0]?.code, 'rate_limit_exceeded');
    assert.deepEqual(result.chunks, []);
  });

  it('reports unparseable JSON as a malformed event without throwing', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push({ data: start() });
    const step = translator.push({ event: 'content_block_delta', data: '{"type":"content_block_delta",' });
    assert.deepEqual(step.chunks, []);
    assert.equal(step.error?.status, 502);
    assert.equal(step.error?.code, 'provider_error');
    assert.match(step.error?.message ?? '', /stream event/);
  });

  const malformed: Array<[string, string[]]> = [
    ['a known event with the wrong shape', [start(), blockDelta(0, { type: 'text_delta' })]],
    ['an event without a type', [start(), JSON.stringify({ index: 0 })]],
    ['content before message_start', [blockDelta(0, { type: 'text_delta', text: 'hi' })]],
    ['arguments for a block that is not a tool call', [start(), blockDelta(3, { type: 'input_json_delta', partial_json: '{}' })]],
    ['a message_start without usage', [JSON.stringify({ type: 'message_start', message: {} })]],
  ];
  for (const [label, events] of malformed) {
    it(`reports ${label} as malformed`, () => {
      const result = replay(events);
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0]?.status, 502);
      assert.match(result.errors[0]?.message ?? '', /malformed stream event/);
    });
  }

  it('reports a stream cut before message_stop', () => {
    const result = replay([start(), blockStart(0, { type: 'text', text: '' }), blockDelta(0, { type: 'text_delta', text: 'par' })]);
    assert.equal(joined(result.chunks, 'content'), 'par');
    assert.equal(result.endStep.error?.status, 502);
    assert.equal(result.endStep.error?.code, 'provider_error');
    assert.match(result.endStep.error?.message ?? '', /stream ended before message_stop/);
  });

  it('reports an empty stream as cut', () => {
    assert.equal(replay([]).endStep.error?.status, 502);
  });

  it('ignores events after message_stop', () => {
    const result = replay([start(), messageDelta('end_turn'), stop, blockDelta(0, { type: 'text_delta', text: 'late' })]);
    assertWellFormed(result, 'stop');
    assert.equal(joined(result.chunks, 'content'), '');
  });
});

describe('stream translator: native events', () => {
  it('returns every event of a recorded stream as it came, pings, thinking and signatures included', () => {
    const lines = fixtureEvents('anthropic-clear-thinking.1.chunks.txt');
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    for (const line of lines) {
      const data = JSON.parse(line) as { type: string };
      const step = translator.push({ event: data.type, data: line });
      assert.deepEqual(step.native, { event: data.type, data });
    }
    assert.equal(translator.end().native, undefined);
  });

  it('names the event after its type when the upstream sent no event: line', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push({ data: start() });
    const step = translator.push({ data: blockStart(0, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }) });
    assert.deepEqual(step.chunks, [], 'a server tool block is not translated');
    assert.equal(step.native?.event, 'content_block_start');
    assert.deepEqual(step.native?.data.content_block, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} });
  });

  it('turns an error event into the step error, not a native event', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push({ data: start() });
    const step = translator.push({
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    });
    assert.equal(step.native, undefined);
    assert.equal(step.error?.status, 503);
  });

  it('attaches nothing to malformed events or to events after message_stop', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push({ data: start() });
    translator.push({ data: messageDelta('end_turn') });
    translator.push({ data: stop });
    assert.deepEqual(translator.push({ data: JSON.stringify({ type: 'ping' }) }), { chunks: [] });
    const broken = anthropicAdapter.createStreamTranslator(ctx);
    broken.push({ data: start() });
    assert.equal(broken.push({ data: '{"type":' }).native, undefined);
  });
});
