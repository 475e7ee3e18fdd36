/**
 * @module Gemini `streamGenerateContent?alt=sse` events → OpenAI `chat.completion.chunk`s.
 *
 * Each SSE `data:` is one GenerateContentResponse holding only what is new since the previous event. There are no
 * event names and no `[DONE]`: the stream ends with the HTTP body, so a body that ends before every candidate has
 * a `finishReason` was cut. Per candidate the translator emits a role chunk first, then text as `content`, thought
 * text as `reasoning_content`, each complete function call as one `tool_calls` delta (Vertex's fragmented calls are
 * reassembled first), and a finish chunk. `usageMetadata` is a cumulative snapshot, so the latest one is reported
 * as is; an `{"error": …}` object in the stream becomes StreamStep.error.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 * @see shared/reference/wire-formats.md §3.4, §4.4
 */
import { isRecord } from '../../core/guards.js';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import { malformedUpstream, parseJsonSafe } from '../shared/upstream-error.js';
import type { SseEvent, StreamStep, StreamTranslator, TranslateContext } from '../types.js';
import { parseGeminiResponse, type GeminiCandidate, type GeminiResponse } from './api-response.js';
import { geminiStreamError } from './errors.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { FunctionCallAssembler, type CompletedFunctionCall } from './function-call-assembler.js';
import { encodeGeminiToolCallId } from './tool-call-id.js';
import { convertGeminiUsage, hasGeminiTokenCounts } from './usage.js';

interface CandidateStream {
  finished: boolean;
  /** Tool calls emitted so far; the next call's `index`. */
  toolCalls: number;
  calls: FunctionCallAssembler;
}

interface GeminiStreamState {
  /** By choice index; present once the candidate's role chunk was sent. */
  candidates: Map<number, CandidateStream>;
  /** The prompt was blocked: the stream is complete without any candidate. */
  blocked: boolean;
}

/** Creates the translator for one Gemini stream. */
export function createGeminiStreamTranslator(ctx: TranslateContext): StreamTranslator {
  const state: GeminiStreamState = { candidates: new Map(), blocked: false };
  return {
    push(event: SseEvent): StreamStep {
      const parsed = parseJsonSafe(event.data);
      if (!isRecord(parsed)) return { chunks: [], error: malformedUpstream('stream event') };
      if (parsed.error !== undefined) return { chunks: [], error: geminiStreamError(parsed.error, event.data) };
      const response = parseGeminiResponse(parsed);
      if (response === undefined) return { chunks: [], error: malformedUpstream('stream event') };
      return translateEvent(state, ctx, response);
    },
    end(): StreamStep {
      const candidates = [...state.candidates.values()];
      if (state.blocked || (candidates.length > 0 && candidates.every((c) => c.finished))) return { chunks: [] };
      return {
        chunks: [],
        error: new GatewayError(502, 'provider_error', 'The provider stream ended before a finish reason.', {
          upstream: true,
          retryable: true,
        }),
      };
    },
  };
}

function translateEvent(state: GeminiStreamState, ctx: TranslateContext, response: GeminiResponse): StreamStep {
  const step: StreamStep = { chunks: [] };
  for (const [position, candidate] of response.candidates.entries()) {
    if (!translateCandidate(state, ctx, candidate, candidate.index ?? position, step.chunks)) {
      return { chunks: step.chunks, error: malformedUpstream('stream event') };
    }
  }
  if (response.candidates.length === 0 && response.blockReason !== undefined && state.candidates.size === 0) {
    if (!state.blocked) step.chunks.push(...blockedChunks(ctx));
    state.blocked = true;
  }
  if (response.usageMetadata !== undefined && hasGeminiTokenCounts(response.usageMetadata)) {
    step.usage = convertGeminiUsage(response.usageMetadata);
  }
  return step;
}

/** Appends the chunks for one candidate of one event; false when its function-call parts do not fit together. */
function translateCandidate(
  state: GeminiStreamState,
  ctx: TranslateContext,
  candidate: GeminiCandidate,
  index: number,
  chunks: ChatCompletionChunk[],
): boolean {
  let stream = state.candidates.get(index);
  if (stream === undefined) {
    stream = { finished: false, toolCalls: 0, calls: new FunctionCallAssembler() };
    state.candidates.set(index, stream);
    chunks.push(chunkOf(ctx, index, { role: 'assistant', content: '' }, null));
  }
  const delta = candidateDelta(ctx, stream, candidate, index);
  if (delta === undefined) return false;
  if (Object.keys(delta).length > 0) chunks.push(chunkOf(ctx, index, delta, null));
  if (candidate.finishReason !== undefined && !stream.finished) {
    stream.finished = true;
    chunks.push(chunkOf(ctx, index, {}, mapGeminiFinishReason(candidate.finishReason, stream.toolCalls > 0)));
  }
  return true;
}

function candidateDelta(ctx: TranslateContext, stream: CandidateStream, candidate: GeminiCandidate, index: number): ChunkDelta | undefined {
  let content = '';
  let reasoning = '';
  const completed: CompletedFunctionCall[] = [];
  for (const part of candidate.parts) {
    if (part.functionCall !== undefined) {
      const calls = stream.calls.accept(part.functionCall, part.thoughtSignature);
      if (calls === undefined) return undefined;
      completed.push(...calls);
    } else if (part.text !== undefined) {
      if (part.thought) reasoning += part.text;
      else content += part.text;
    }
  }
  if (candidate.finishReason !== undefined) completed.push(...stream.calls.flush());
  const delta: ChunkDelta = {};
  if (content !== '') delta.content = content;
  if (reasoning !== '') delta.reasoning_content = reasoning;
  if (completed.length > 0) delta.tool_calls = completed.map((call) => toolCallDelta(ctx, stream, index, call));
  return delta;
}

function toolCallDelta(ctx: TranslateContext, stream: CandidateStream, index: number, call: CompletedFunctionCall): ToolCallDelta {
  const k = stream.toolCalls;
  stream.toolCalls += 1;
  return {
    index: k,
    id: encodeGeminiToolCallId(ctx.id, index, k, call.thoughtSignature),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  };
}

function blockedChunks(ctx: TranslateContext): ChatCompletionChunk[] {
  return [chunkOf(ctx, 0, { role: 'assistant', content: '' }, null), chunkOf(ctx, 0, {}, 'content_filter')];
}

function chunkOf(ctx: TranslateContext, index: number, delta: ChunkDelta, finishReason: FinishReason | null): ChatCompletionChunk {
  return {
    id: ctx.id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
  };
}
