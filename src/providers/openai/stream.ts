/**
 * @module OpenAI-format SSE stream → the gateway's chunks.
 *
 * Each upstream `data:` event is one `chat.completion.chunk`. The chunk is rebuilt with the gateway's id, model and
 * created; the usage-only chunk (`choices: []`, sent because the gateway always asks for usage) is swallowed and
 * reported as StreamStep.usage; an in-band `{"error": …}` event becomes StreamStep.error; `[DONE]` ends the stream.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
import type { ChunkChoice, ChunkDelta, ToolCallDelta } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { malformedUpstream, mapUpstreamStatus, parseJsonSafe } from '../shared/upstream-error.js';
import type { SseEvent, StreamStep, StreamTranslator, TranslateContext } from '../types.js';
import { openAIErrorMessage } from './errors.js';
import { mapOpenAIFinishReason } from './finish-reason.js';
import { convertOpenAIUsage } from './usage.js';

interface OpenAIStreamState {
  done: boolean;
  finished: boolean;
}

/** Creates the translator for one OpenAI-format stream. */
export function createOpenAIStreamTranslator(ctx: TranslateContext): StreamTranslator {
  const state: OpenAIStreamState = { done: false, finished: false };
  return {
    push(event: SseEvent): StreamStep {
      if (event.data === '[DONE]') {
        state.done = true;
        return { chunks: [] };
      }
      const parsed = parseJsonSafe(event.data);
      if (!isRecord(parsed)) return { chunks: [], error: malformedUpstream('stream event') };
      if (parsed.error !== undefined) {
        return { chunks: [], error: mapUpstreamStatus(errorStatus(parsed.error), openAIErrorMessage(parsed, event.data)) };
      }
      if (!Array.isArray(parsed.choices)) return { chunks: [], error: malformedUpstream('stream chunk') };
      const step: StreamStep = { chunks: [] };
      const usage = convertOpenAIUsage(parsed.usage);
      if (usage !== undefined) step.usage = usage;
      if (parsed.choices.length > 0) {
        const choices = parsed.choices.map(toChunkChoice);
        if (choices.some((c) => c.finish_reason !== null)) state.finished = true;
        step.chunks.push({ id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, choices });
      }
      return step;
    },
    end(): StreamStep {
      if (state.done || state.finished) return { chunks: [] };
      return {
        chunks: [],
        error: new GatewayError(502, 'provider_error', 'The provider stream ended before it finished.', { retryable: true, upstream: true }),
      };
    },
  };
}

/** Vendors put a numeric `code` or `status` on in-band errors; without one the error counts as a server error. */
function errorStatus(error: unknown): number {
  if (isRecord(error)) {
    for (const value of [error.status, error.code]) {
      if (typeof value === 'number' && value >= 400 && value < 600) return value;
    }
  }
  return 500;
}

function toChunkChoice(raw: unknown, position: number): ChunkChoice {
  const choice = isRecord(raw) ? raw : {};
  return {
    index: typeof choice.index === 'number' ? choice.index : position,
    delta: toDelta(isRecord(choice.delta) ? choice.delta : {}),
    finish_reason: mapOpenAIFinishReason(choice.finish_reason),
  };
}

function toDelta(raw: Record<string, unknown>): ChunkDelta {
  const delta: ChunkDelta = {};
  if (raw.role === 'assistant') delta.role = 'assistant';
  if (typeof raw.content === 'string') delta.content = raw.content;
  if (typeof raw.refusal === 'string') delta.refusal = raw.refusal;
  const reasoning = raw.reasoning_content ?? raw.reasoning;
  if (typeof reasoning === 'string') delta.reasoning_content = reasoning;
  if (Array.isArray(raw.tool_calls)) delta.tool_calls = raw.tool_calls.filter(isRecord).map(toToolCallDelta);
  return delta;
}

function toToolCallDelta(raw: Record<string, unknown>): ToolCallDelta {
  const call: ToolCallDelta = { index: typeof raw.index === 'number' ? raw.index : 0 };
  if (typeof raw.id === 'string') call.id = raw.id;
  if (raw.type === 'function') call.type = 'function';
  if (isRecord(raw.function)) {
    call.function = {};
    if (typeof raw.function.name === 'string') call.function.name = raw.function.name;
    if (typeof raw.function.arguments === 'string') call.function.arguments = raw.function.arguments;
  }
  return call;
}
