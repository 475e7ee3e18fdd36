import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { StreamStep, TranslateContext } from '../types.js';
import { createGeminiStreamTranslator } from './stream.js';
import { decodeGeminiThoughtSignature, encodeGeminiToolCallId } from './tool-call-id.js';

const ctx: TranslateContext = { model: 'gemini-flash', id: 'chatcmpl-stream1', created: 1_700_000_123 };

interface Replay {
  steps: StreamStep[];
  end: StreamStep;
  chunks: ChatCompletionChunk[];
  /** The usage of the last step that reported one. */
  usage: Usage | undefined;
  errors: GatewayError[];
}

interface Accumulated {
  role: string | undefined;
  content: string;
  reasoning: string;
  toolCalls: ToolCallDelta[];
  finish: FinishReason | null;
}

function replayEvents(events: string[]): Replay {
  const translator = createGeminiStreamTranslator(ctx);
  const steps = events.map((data) => translator.push({ data }));
  const end = translator.end();
  const all = [...steps, end];
  const chunks = all.flatMap((step) => step.chunks);
  for (const chunk of chunks) {
    validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    assert.equal(chunk.id, ctx.id);
    assert.equal(chunk.model, ctx.model);
    assert.equal(chunk.created, ctx.created);
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.choices.length, 1);
  }
  const usage = all.filter((step) => step.usage !== undefined).at(-1)?.usage;
  const errors = all.flatMap((step) => (step.error === undefined ? [] : [step.error]));
  return { steps, end, chunks, usage, errors };
}

function replayFixture(name: string): Replay {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
  return replayEvents(text.split('\n').filter((line) => line.trim() !== ''));
}

function accumulate(chunks: ChatCompletionChunk[], index = 0): Accumulated {
  const result: Accumulated = { role: undefined, content: '', reasoning: '', toolCalls: [], finish: null };
  for (const choice of chunks.flatMap((chunk) => chunk.choices).filter((c) => c.index === index)) {
    assert.equal(result.finish, null, 'nothing follows the finish chunk');
    if (choice.delta.role !== undefined) {
      assert.equal(result.role, undefined, 'role is sent once');
      result.role = choice.delta.role;
    } else {
      assert.notEqual(result.role, undefined, 'the role chunk comes first');
    }
    result.content += choice.delta.content ?? '';
    result.reasoning += choice.delta.reasoning_content ?? '';
    result.toolCalls.push(...(choice.delta.tool_calls ?? []));
    result.finish = choice.finish_reason;
  }
  return result;
}

describe('Gemini stream: recorded fixtures', () => {
  it('google-text.chunks.txt: role, two text deltas, stop; usage is the last cumulative snapshot', () => {
    const replay = replayFixture('google-text.chunks.txt');
    assert.deepEqual(replay.errors, []);
    assert.deepEqual(
      replay.chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason]),
      [
        [{ role: 'assistant', content: '' }, null],
        [{ content: 'There are **3**' }, null],
        [{ content: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' }, null],
        [{}, 'stop'],
      ],
    );
    assert.deepEqual(replay.steps[0]?.usage, {
      prompt_tokens: 9,
      completion_tokens: 190,
      total_tokens: 199,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 185 },
    });
    assert.deepEqual(replay.usage, {
      prompt_tokens: 9,
      completion_tokens: 208,
      total_tokens: 217,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 185 },
    });
  });

  it('google-tool-call.chunks.txt: one whole tool call, then tool_calls on the STOP chunk', () => {
    const replay = replayFixture('google-tool-call.chunks.txt');
    assert.deepEqual(replay.errors, []);
    const result = accumulate(replay.chunks);
    assert.equal(result.role, 'assistant');
    assert.equal(result.content, '');
    assert.equal(result.finish, 'tool_calls');
    assert.equal(result.toolCalls.length, 1);
    const [call] = result.toolCalls;
    assert.equal(call?.index, 0);
    assert.equal(call?.type, 'function');
    assert.equal(call?.function?.name, 'weather');
    assert.equal(call?.function?.arguments, '{"location":"San Francisco"}');
    assert.match(decodeGeminiThoughtSignature(call?.id ?? '') ?? '', /^EqUCCqICAb4\+9vsh8Pd5/);
    assert.deepEqual(replay.usage, {
      prompt_tokens: 29,
      completion_tokens: 60,
      total_tokens: 89,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 45 },
    });
  });

  it('gemma-4-output-usage.chunks.txt: thoughts stream as reasoning_content before the answer', () => {
    const replay = replayFixture('gemma-4-output-usage.chunks.txt');
    assert.deepEqual(replay.errors, []);
    const result = accumulate(replay.chunks);
    assert.equal(
      result.reasoning,
      '*   User input: "Reply with exactly: hello"\n    *   Constraint: The response must be "exactly: hello".\n' +
        '    *   Goal: Comply with the specific instruction.\n\n    *   The user wants a single word: "hello".\n\n' +
        '    *   Input: "Reply with exactly: hello"\n    *   Output: "hello"',
    );
    assert.equal(result.content, 'hello');
    assert.equal(result.finish, 'stop');
    assert.equal(replay.steps[0]?.usage?.completion_tokens, 14);
    assert.deepEqual(replay.usage, {
      prompt_tokens: 6,
      completion_tokens: 77,
      total_tokens: 83,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 76 },
    });
  });

  it('google-stream-no-args-tool-call.chunks.txt: a no-args call and three Vertex fragmented calls', () => {
    const replay = replayFixture('google-stream-no-args-tool-call.chunks.txt');
    assert.deepEqual(replay.errors, []);
    const result = accumulate(replay.chunks);
    assert.match(result.reasoning, /^\*\*Processing User Requests\*\*\n\nI've started by understanding/);
    assert.equal(result.content, '');
    assert.deepEqual(
      result.toolCalls.map((call) => [call.index, call.type, call.function?.name, call.function?.arguments]),
      [
        [0, 'function', 'read_theme', '{}'],
        [1, 'function', 'read_screen', '{"id":"A"}'],
        [2, 'function', 'read_screen', '{"id":"B"}'],
        [3, 'function', 'read_screen', '{"id":"C"}'],
      ],
    );
    assert.match(decodeGeminiThoughtSignature(result.toolCalls[0]?.id ?? '') ?? '', /^AY89a18a8\/Loc2wl5oft\+F3q/);
    for (const k of [1, 2, 3]) assert.equal(result.toolCalls[k]?.id, encodeGeminiToolCallId(ctx.id, 0, k));
    assert.equal(result.finish, 'tool_calls');
    assert.equal(replay.steps.slice(0, -1).filter((step) => step.usage !== undefined).length, 0);
    assert.deepEqual(replay.usage, {
      prompt_tokens: 249,
      completion_tokens: 241,
      total_tokens: 490,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 183 },
    });
  });

  it('issue-19758-prompt-block.chunks.txt: a blocked prompt is a role chunk and a content_filter finish', () => {
    const replay = replayFixture('issue-19758-prompt-block.chunks.txt');
    assert.deepEqual(replay.errors, []);
    assert.deepEqual(
      replay.chunks.map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason]),
      [
        [0, { role: 'assistant', content: '' }, null],
        [0, {}, 'content_filter'],
      ],
    );
    assert.equal(replay.usage?.prompt_tokens, 9);
    assert.equal(replay.usage?.completion_tokens, 0);
  });
});

describe('Gemini stream: failures', () => {
  it('reports a stream cut before any finish reason when the body ends', () => {
    const lines = readFileSync(new URL('./__fixtures__/google-text.chunks.txt', import.meta.url), 'utf8').split('\n');
    const replay = replayEvents(lines.slice(0, 2));
    assert.equal(replay.chunks.length, 3);
    assert.equal(replay.end.error?.status, 502);
    assert.equal(replay.end.error?.code, 'provider_error');
    assert.match(replay.end.error?.message ?? '', /stream ended before a finish reason/);
    assert.equal(replayEvents([]).end.error?.code, 'provider_error');
  });

  it('turns bad JSON and wrong shapes into a malformed-event error without throwing', () => {
    for (const data of ['{"candidates":[', '[1]', '"text"', '{"candidates":[{"content":{"parts":[{"text":1}]}}]}']) {
      const step = createGeminiStreamTranslator(ctx).push({ data });
      assert.deepEqual(step.chunks, [], data);
      assert.equal(step.error?.status, 502, data);
      assert.match(step.error?.message ?? '', /malformed stream event/, data);
    }
  });

  it('turns a function-call fragment with nothing to continue into an error', () => {
    const step = createGeminiStreamTranslator(ctx).push({
      data: '{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.a","stringValue":"x"}]}}]}}]}',
    });
    assert.equal(step.error?.status, 502);
    assert.equal(step.chunks.length, 1, 'the role chunk already produced is kept');
  });

  it('turns an in-band error object into StreamStep.error', () => {
    const translator = createGeminiStreamTranslator(ctx);
    translator.push({ data: '{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}' });
    const step = translator.push({ data: '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}' });
    assert.deepEqual(step.chunks, []);
    assert.equal(step.error?.status, 429);
    assert.equal(step.error?.code, 'rate_limit_exceeded');
    assert.match(step.error?.message ?? '', /Resource has been exhausted/);
  });
});

describe('Gemini stream: candidates', () => {
  it('tracks several candidates separately, and ends cleanly only when every one finished', () => {
    const events = [
      '{"candidates":[{"index":0,"content":{"parts":[{"text":"A"}]}},{"index":1,"content":{"parts":[{"text":"B"}]}}]}',
      '{"candidates":[{"index":1,"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}]}',
      '{"candidates":[{"index":0,"content":{"parts":[{"text":"A2"}]},"finishReason":"MAX_TOKENS"}]}',
    ];
    const replay = replayEvents(events);
    assert.deepEqual(replay.errors, []);
    const first = accumulate(replay.chunks, 0);
    const second = accumulate(replay.chunks, 1);
    assert.deepEqual([first.content, first.finish, first.toolCalls.length], ['AA2', 'length', 0]);
    assert.deepEqual([second.content, second.finish], ['B', 'tool_calls']);
    assert.equal(second.toolCalls[0]?.id, encodeGeminiToolCallId(ctx.id, 1, 0));
    const cut = replayEvents(events.slice(0, 2));
    assert.equal(cut.end.error?.code, 'provider_error');
  });

  it('maps a safety stop with no content to content_filter', () => {
    const replay = replayEvents(['{"candidates":[{"finishReason":"SAFETY","index":0}]}']);
    assert.deepEqual(replay.errors, []);
    assert.equal(accumulate(replay.chunks).finish, 'content_filter');
  });

  it('completes an open fragmented call when the candidate finishes', () => {
    const replay = replayEvents([
      '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","willContinue":true}}]}}]}',
      '{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.n","numberValue":3}],"willContinue":true}}]},"finishReason":"STOP"}]}',
    ]);
    assert.deepEqual(replay.errors, []);
    const result = accumulate(replay.chunks);
    assert.equal(result.toolCalls[0]?.function?.arguments, '{"n":3}');
    assert.equal(result.finish, 'tool_calls');
  });
});
