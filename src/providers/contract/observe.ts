/**
 * @module Reduces what an adapter produced (a completion, or a replayed stream) to one comparable shape, checking
 * on the way the rules every OpenAI stream must follow.
 *
 * Stream rules, per choice: the first chunk carries `role: "assistant"` and no later one does; exactly one chunk
 * carries a finish reason and nothing follows it; each tool call's first fragment carries its `id`, `type` and
 * function `name`, later fragments repeat them unchanged or leave them out, and call indexes count up from 0 in
 * order of appearance. Every chunk carries the answer's id, model and creation time, and never usage.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
import assert from 'node:assert/strict';
import type { UpstreamCompletion, ChatCompletionChunk, FinishReason, ToolCall, ToolCallDelta, Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { ProviderAdapter, SseEvent, TranslateContext } from '../types.js';

/** One choice, reduced to what the contract compares. */
export interface ObservedChoice {
  index: number;
  content: string | null;
  reasoning: string | undefined;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
}

/** A translated stream, collected the way the gateway consumes it: it stops at the first error. */
export interface StreamReplay {
  chunks: ChatCompletionChunk[];
  /** The last usage a step reported. */
  usage: Usage | undefined;
  error: GatewayError | undefined;
}

/** Pushes the events through a fresh translator, then ends it (unless an event already failed). */
export function replayStream(adapter: ProviderAdapter, ctx: TranslateContext, events: SseEvent[]): StreamReplay {
  const translator = adapter.createStreamTranslator(ctx);
  const replay: StreamReplay = { chunks: [], usage: undefined, error: undefined };
  const steps = events.map((event) => () => translator.push(event));
  for (const next of [...steps, () => translator.end()]) {
    const step = next();
    replay.chunks.push(...step.chunks);
    if (step.usage !== undefined) replay.usage = step.usage;
    if (step.error !== undefined) {
      replay.error = step.error;
      break;
    }
  }
  return replay;
}

/** The choices of a non-streamed completion. */
export function observeCompletion(completion: UpstreamCompletion): ObservedChoice[] {
  return completion.choices.map((choice) => ({
    index: choice.index,
    content: choice.message.content,
    reasoning: choice.message.reasoning_content,
    toolCalls: choice.message.tool_calls ?? [],
    finishReason: choice.finish_reason,
  }));
}

interface ChoiceStream {
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
}

/** Joins one tool-call fragment into the calls of its choice, checking id/name stability and index order. */
function joinToolCallFragment(calls: ToolCall[], fragment: ToolCallDelta, where: string): void {
  const existing = calls[fragment.index];
  if (existing === undefined) {
    assert.equal(fragment.index, calls.length, `${where}: tool call indexes count up from 0 in order`);
    assert.ok(typeof fragment.id === 'string' && fragment.id !== '', `${where}: the first fragment carries the id`);
    assert.equal(fragment.type, 'function', `${where}: the first fragment carries type "function"`);
    const name = fragment.function?.name;
    assert.ok(typeof name === 'string' && name !== '', `${where}: the first fragment carries the function name`);
    const args = fragment.function?.arguments ?? '';
    calls.push({ id: fragment.id, type: 'function', function: { name, arguments: args } });
    return;
  }
  if (fragment.id !== undefined) assert.equal(fragment.id, existing.id, `${where}: the id never changes`);
  const name = fragment.function?.name;
  if (name !== undefined) assert.equal(name, existing.function.name, `${where}: the name never changes`);
  existing.function.arguments += fragment.function?.arguments ?? '';
}

/** Assembles the choices of a stream, asserting the rules in the module comment. */
export function observeStream(chunks: ChatCompletionChunk[], ctx: TranslateContext): ObservedChoice[] {
  const streams = new Map<number, ChoiceStream>();
  chunks.forEach((chunk, position) => {
    assert.deepEqual([chunk.id, chunk.model, chunk.created], [ctx.id, ctx.model, ctx.created], 'chunks are stamped');
    assert.equal(chunk.usage, undefined, 'usage is reported in steps, never on chunks');
    for (const choice of chunk.choices) {
      const where = `chunk ${position}, choice ${choice.index}`;
      let stream = streams.get(choice.index);
      if (stream === undefined) {
        assert.equal(choice.delta.role, 'assistant', `${where}: a choice opens with the assistant role`);
        stream = { content: '', reasoning: '', toolCalls: [], finishReason: null };
        streams.set(choice.index, stream);
      } else {
        assert.equal(choice.delta.role, undefined, `${where}: the role is sent once`);
      }
      assert.equal(stream.finishReason, null, `${where}: nothing follows the finish chunk`);
      stream.content += choice.delta.content ?? '';
      stream.reasoning += choice.delta.reasoning_content ?? '';
      for (const fragment of choice.delta.tool_calls ?? []) joinToolCallFragment(stream.toolCalls, fragment, where);
      stream.finishReason = choice.finish_reason;
    }
  });
  return [...streams.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, stream]) => ({
      index,
      content: stream.content === '' ? null : stream.content,
      reasoning: stream.reasoning === '' ? undefined : stream.reasoning,
      toolCalls: stream.toolCalls,
      finishReason: stream.finishReason,
    }));
}
