/**
 * @module Anthropic Messages SSE events → OpenAI chat completion chunks.
 *
 * Each event becomes zero or more chunks at once; nothing is buffered. Usage is not put on chunks but reported in
 * each step as the cumulative OpenAI usage (the gateway writes the usage chunk itself). A bad event becomes a
 * step with an error, never a throw. The `json_output` tool that emulates `json_object` (see `json-output.ts`) streams
 * its input as `content`, not as a tool call. Thinking streams as `reasoning_content`, and each thinking block, once
 * stopped, as one whole `reasoning_details` entry with its signature (see `reasoning-details.ts`).
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { malformedUpstream, parseJsonSafe } from '../shared/upstream-error.js';
import type { NativeEvent, SseEvent, StreamStep, StreamTranslator, TranslateContext } from '../types.js';
import { anthropicStreamError } from './errors.js';
import { mapAnthropicStopReason } from './finish-reason.js';
import { isAnthropicJsonOutputTool, unescapeAnthropicToolName } from './json-output.js';
import { anthropicRedactedDetail, anthropicThinkingDetail } from './reasoning-details.js';
import { parseAnthropicEvent, type AnthropicStreamEvent, type AnthropicUsage } from './upstream-schema.js';
import { convertAnthropicUsage, mergeAnthropicUsage } from './usage.js';

/** A `tool_use` block being streamed, keyed by its Anthropic block index. */
interface ToolBlock {
  /**
   * Position among the client tool calls of this answer (OpenAI's `tool_calls[].index`); `undefined` for the
   * `json_output` tool, whose input is streamed as `content`.
   */
  toolIndex: number | undefined;
  /** Whether any non-empty argument text was sent for it. */
  sentArguments: boolean;
}

/**
 * A thinking block being streamed: its text so far and its signature (a `signature_delta` right before its stop), or
 * a redacted one. Sent whole as a `reasoning_details` entry when the block stops.
 */
type ReasoningBlock = { kind: 'thinking'; text: string; signature: string } | { kind: 'redacted'; data: string };

/** Everything one stream translation remembers. */
interface AnthropicStreamState {
  readonly ctx: TranslateContext;
  started: boolean;
  finishSent: boolean;
  stopped: boolean;
  failed: boolean;
  usage: AnthropicUsage;
  readonly tools: Map<number, ToolBlock>;
  readonly reasoning: Map<number, ReasoningBlock>;
  /** Client tool calls opened so far. */
  toolCalls: number;
}

/** A step with nothing to forward (a fresh object: callers may keep or extend the chunk list). */
function nothing(): StreamStep {
  return { chunks: [] };
}

function chunk(state: AnthropicStreamState, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
  const { id, model, created } = state.ctx;
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** Argument text of a tool call, or `content` for the `json_output` tool. */
function argumentsChunk(state: AnthropicStreamState, tool: ToolBlock, text: string): ChatCompletionChunk {
  if (tool.toolIndex === undefined) return chunk(state, { content: text });
  return chunk(state, { tool_calls: [{ index: tool.toolIndex, function: { arguments: text } }] });
}

function step(...chunks: ChatCompletionChunk[]): StreamStep {
  return { chunks };
}

function fail(state: AnthropicStreamState, error: GatewayError): StreamStep {
  state.failed = true;
  return { chunks: [], error };
}

function recordUsage(state: AnthropicStreamState, usage: AnthropicUsage, chunks: ChatCompletionChunk[]): StreamStep {
  state.usage = mergeAnthropicUsage(state.usage, usage);
  return { chunks, usage: convertAnthropicUsage(state.usage) };
}

/** `message_start`: the role chunk. A repeated `message_start` (seen from some proxies) only updates usage. */
function onMessageStart(state: AnthropicStreamState, usage: AnthropicUsage): StreamStep {
  const chunks = state.started ? [] : [chunk(state, { role: 'assistant', content: '' })];
  state.started = true;
  return recordUsage(state, usage, chunks);
}

/**
 * `content_block_start`: a tool call opens with its id and name; text and thinking usually start empty. The
 * `json_output` tool opens nothing: its input arrives as `content`.
 */
type EventOf<T extends AnthropicStreamEvent['type']> = Extract<AnthropicStreamEvent, { type: T }>;

function onBlockStart(state: AnthropicStreamState, event: EventOf<'content_block_start'>): StreamStep {
  const { block } = event;
  if (block === null) return nothing();
  switch (block.type) {
    case 'text':
      return block.text === '' ? nothing() : step(chunk(state, { content: block.text }));
    case 'thinking':
      state.reasoning.set(event.index, { kind: 'thinking', text: block.thinking, signature: block.signature ?? '' });
      return block.thinking === '' ? nothing() : step(chunk(state, { reasoning_content: block.thinking }));
    case 'redacted_thinking':
      state.reasoning.set(event.index, { kind: 'redacted', data: block.data });
      return nothing();
    case 'tool_use': {
      if (isAnthropicJsonOutputTool(block.name)) {
        state.tools.set(event.index, { toolIndex: undefined, sentArguments: false });
        return nothing();
      }
      const toolIndex = state.toolCalls;
      state.toolCalls += 1;
      state.tools.set(event.index, { toolIndex, sentArguments: false });
      const opening: ToolCallDelta = {
        index: toolIndex,
        id: block.id,
        type: 'function',
        function: { name: unescapeAnthropicToolName(block.name), arguments: '' },
      };
      return step(chunk(state, { tool_calls: [opening] }));
    }
    default: {
      const unreachable: never = block;
      return unreachable;
    }
  }
}

/**
 * `content_block_delta`: text, thinking and tool-argument fragments, forwarded as they come; a thinking block's text
 * and signature are also kept for its `reasoning_details` entry.
 */
function onBlockDelta(state: AnthropicStreamState, event: EventOf<'content_block_delta'>): StreamStep {
  const { delta } = event;
  if (delta === null) return nothing();
  switch (delta.type) {
    case 'text_delta':
      return delta.text === '' ? nothing() : step(chunk(state, { content: delta.text }));
    case 'thinking_delta': {
      const thinking = state.reasoning.get(event.index);
      if (thinking?.kind === 'thinking') thinking.text += delta.thinking;
      return delta.thinking === '' ? nothing() : step(chunk(state, { reasoning_content: delta.thinking }));
    }
    case 'signature_delta': {
      const thinking = state.reasoning.get(event.index);
      if (thinking?.kind === 'thinking') thinking.signature = delta.signature;
      return nothing();
    }
    case 'input_json_delta': {
      const tool = state.tools.get(event.index);
      if (tool === undefined) return fail(state, malformedUpstream('stream event'));
      if (delta.partial_json === '') return nothing();
      tool.sentArguments = true;
      return step(argumentsChunk(state, tool, delta.partial_json));
    }
    default: {
      const unreachable: never = delta;
      return unreachable;
    }
  }
}

/**
 * `content_block_stop`: a thinking block ends with its whole `reasoning_details` entry (text and signature); a tool
 * call that got no argument text (a no-argument tool streams one empty `input_json_delta`) is given `{}`, so the
 * joined arguments always parse as the JSON object OpenAI promises.
 */
function onBlockStop(state: AnthropicStreamState, index: number): StreamStep {
  const reasoning = state.reasoning.get(index);
  if (reasoning !== undefined) {
    state.reasoning.delete(index);
    const detail =
      reasoning.kind === 'thinking' ? anthropicThinkingDetail(reasoning.text, reasoning.signature) : anthropicRedactedDetail(reasoning.data);
    return step(chunk(state, { reasoning_details: [detail] }));
  }
  const tool = state.tools.get(index);
  if (tool === undefined || tool.sentArguments) return nothing();
  tool.sentArguments = true;
  return step(argumentsChunk(state, tool, '{}'));
}

/** `message_delta`: cumulative usage, and the finish chunk once the stop reason is known. */
function onMessageDelta(state: AnthropicStreamState, stopReason: string | null, usage: AnthropicUsage): StreamStep {
  const chunks: ChatCompletionChunk[] = [];
  if (stopReason !== null && !state.finishSent) {
    state.finishSent = true;
    chunks.push(chunk(state, {}, mapAnthropicStopReason(stopReason, state.toolCalls > 0)));
  }
  return recordUsage(state, usage, chunks);
}

/** `message_stop`: the natural end. A stream that never named its stop reason still gets a finish chunk. */
function onMessageStop(state: AnthropicStreamState): StreamStep {
  state.stopped = true;
  if (state.finishSent) return nothing();
  state.finishSent = true;
  return step(chunk(state, {}, mapAnthropicStopReason(null, state.toolCalls > 0)));
}

/** Content before `message_start` means the stream is not what Anthropic promises. */
function needsStart(event: AnthropicStreamEvent): boolean {
  return event.type !== 'message_start' && event.type !== 'error' && event.type !== 'skipped';
}

function translate(state: AnthropicStreamState, event: AnthropicStreamEvent): StreamStep {
  if (!state.started && needsStart(event)) return fail(state, malformedUpstream('stream event'));
  switch (event.type) {
    case 'message_start':
      return onMessageStart(state, event.usage);
    case 'content_block_start':
      return onBlockStart(state, event);
    case 'content_block_delta':
      return onBlockDelta(state, event);
    case 'content_block_stop':
      return onBlockStop(state, event.index);
    case 'message_delta':
      return onMessageDelta(state, event.stopReason, event.usage);
    case 'message_stop':
      return onMessageStop(state);
    case 'error':
      return fail(state, anthropicStreamError(event.errorType, event.message));
    case 'skipped':
      return nothing();
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/**
 * The upstream event as it came, for a door that relays Anthropic's stream natively: its `event:` name (the JSON's
 * own `type` when the upstream sent none) and its data.
 */
function nativeEvent(event: SseEvent, data: Record<string, unknown>): NativeEvent {
  return { event: event.event ?? String(data.type), data };
}

/**
 * A translator for one Anthropic stream. The event is read from the JSON's own `type` (Anthropic repeats the SSE
 * `event:` name there). `ping` and unknown event types produce no chunks; the stream must end with `message_stop`.
 * Every event translated without error also comes back as `native`, whatever it produced (pings, signatures, server
 * tool blocks included), so a door speaking Anthropic's format can relay the stream verbatim; an `error` event
 * becomes the step's error instead. Events after `message_stop` are ignored.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#event-types
 */
export function createAnthropicStreamTranslator(ctx: TranslateContext): StreamTranslator {
  const state: AnthropicStreamState = {
    ctx,
    started: false,
    finishSent: false,
    stopped: false,
    failed: false,
    usage: {},
    tools: new Map(),
    reasoning: new Map(),
    toolCalls: 0,
  };
  return {
    push(event: SseEvent): StreamStep {
      if (state.stopped) return nothing();
      const data = parseJsonSafe(event.data);
      const parsed = isRecord(data) ? parseAnthropicEvent(data) : undefined;
      if (!isRecord(data) || parsed === undefined) return fail(state, malformedUpstream('stream event'));
      const step = translate(state, parsed);
      if (step.error === undefined) step.native = nativeEvent(event, data);
      return step;
    },
    end(): StreamStep {
      if (state.stopped || state.failed) return nothing();
      return fail(state, new GatewayError(502, 'provider_error', 'The provider stream ended before message_stop.', { upstream: true }));
    },
  };
}
