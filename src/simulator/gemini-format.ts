/**
 * @module Google Gemini `generateContent` / `streamGenerateContent`: API-key check, GenerateContentResponse bodies
 * and SSE (or JSON-array) streams with cumulative usage — several candidates, `thought: true` parts, whole
 * `functionCall` parts (signed on gemini-3 models), blocked prompts and cached-content usage. Requests are read
 * in `gemini-request.ts`, errors shaped in `gemini-errors.ts`.
 * @see https://ai.google.dev/api/generate-content
 */

import type { IncomingHttpHeaders } from 'node:http';
import { FAULT_MESSAGES, geminiError, geminiErrorPayload, geminiFault } from './gemini-errors.js';
import { GEMINI_IMAGE_TOKENS, parseGeminiRequest } from './gemini-request.js';
import type { Reply } from './reply.js';
import { SSE_CONTENT_TYPE, sseDataCrlf } from './sse.js';
import type { Completion, FinishCause } from './text.js';
import { toolCallTokens } from './tool-calls.js';
import type { HttpReply, ReplyContext, RouteInfo, SimCall, StreamPlan, SimulatedFormat } from './wire-format.js';

/** Gemini has no stop-sequence or tool-call reason: both end with STOP, like a natural end. */
function mapGeminiFinishReason(finish: FinishCause): 'STOP' | 'MAX_TOKENS' {
  switch (finish) {
    case 'end':
    case 'stop_sequence':
    case 'tool_calls':
    case 'refusal':
      return 'STOP';
    case 'max_tokens':
      return 'MAX_TOKENS';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

/** What every response of one answer shares. */
interface ResponseFields {
  call: SimCall;
  reply: Reply;
  responseId: string;
  /** `promptTokensDetails`, the same in every chunk. */
  promptDetails: Record<string, unknown>[];
}

function responseFields(call: SimCall, reply: Reply, context: ReplyContext): ResponseFields {
  return { call, reply, responseId: context.nextId(23), promptDetails: promptDetails(call) };
}

/** Prompt tokens by modality: images at 258 each, the rest text. */
function promptDetails(call: SimCall): Record<string, unknown>[] {
  if (call.promptImages === 0) return [{ modality: 'TEXT', tokenCount: call.promptTokens }];
  const imageTokens = call.promptImages * GEMINI_IMAGE_TOKENS;
  return [
    { modality: 'TEXT', tokenCount: call.promptTokens - imageTokens },
    { modality: 'IMAGE', tokenCount: imageTokens },
  ];
}

/**
 * Cumulative usage: `candidatesTokenCount` excludes thoughts (absent while only thoughts were produced, as the
 * API does), `thoughtsTokenCount` and `cachedContentTokenCount` appear when non-zero, and the total adds prompt,
 * candidates and thoughts. `promptTokenCount` already includes cached tokens.
 */
function usageMetadata(fields: ResponseFields, output: number, thoughts: number): Record<string, unknown> {
  const { call, reply } = fields;
  const usage: Record<string, unknown> = { promptTokenCount: call.promptTokens };
  if (output > 0 || thoughts === 0) usage.candidatesTokenCount = output;
  usage.totalTokenCount = call.promptTokens + output + thoughts;
  usage.promptTokensDetails = fields.promptDetails;
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  if (reply.cachedTokens > 0) {
    usage.cachedContentTokenCount = reply.cachedTokens;
    usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: reply.cachedTokens }];
  }
  return usage;
}

function response(fields: ResponseFields, candidates: unknown[], output: number, thoughts: number): Record<string, unknown> {
  return {
    candidates,
    usageMetadata: usageMetadata(fields, output, thoughts),
    modelVersion: fields.call.model,
    responseId: fields.responseId,
  };
}

/** A blocked prompt (the `refuse` knob): HTTP 200, no candidates, `promptFeedback.blockReason`, prompt-only usage. */
function blockedResponse(fields: ResponseFields): Record<string, unknown> {
  const { call } = fields;
  return {
    promptFeedback: { blockReason: 'SAFETY' },
    usageMetadata: {
      promptTokenCount: call.promptTokens,
      totalTokenCount: call.promptTokens,
      promptTokensDetails: fields.promptDetails,
    },
    modelVersion: call.model,
    responseId: fields.responseId,
  };
}

/** `functionCall` parts, whole; on gemini-3 models the first carries a thoughtSignature, as the API does. */
function functionCallParts(choice: Completion, call: SimCall, context: ReplyContext): Record<string, unknown>[] {
  return choice.toolCalls.map((planned, index) => {
    const part: Record<string, unknown> = { functionCall: { name: planned.name, args: planned.input } };
    // Canonical base64 (a multiple of 4 characters), as proto3 JSON encodes the API's signature bytes.
    if (index === 0 && call.model.startsWith('gemini-3')) part.thoughtSignature = canonicalBase64(`CiSim${context.nextId(48)}`);
    return part;
  });
}

function candidate(index: number, parts: unknown[], finishReason: string | undefined): Record<string, unknown> {
  const entry: Record<string, unknown> = { content: { parts, role: 'model' } };
  if (finishReason !== undefined) entry.finishReason = finishReason;
  entry.index = index;
  return entry;
}

function respondGemini(call: SimCall, reply: Reply, context: ReplyContext): HttpReply {
  const fields = responseFields(call, reply, context);
  if (reply.refused) return { status: 200, body: blockedResponse(fields) };
  const candidates = reply.choices.map((choice, index) => {
    const parts: unknown[] = choice.reasoning.length > 0 ? [{ text: choice.reasoning.join(''), thought: true }] : [];
    if (choice.toolCalls.length > 0) parts.push(...functionCallParts(choice, call, context));
    else parts.push({ text: choice.text });
    const entry = candidate(index, parts, mapGeminiFinishReason(choice.finish));
    if (choice.toolCalls.length > 0) entry.finishMessage = 'Model generated function call(s).';
    return entry;
  });
  const output = reply.completionTokens - reply.reasoningTokens;
  return { status: 200, body: response(fields, candidates, output, reply.reasoningTokens) };
}

/** One streamed step of a candidate: its new parts and its usage so far. */
interface Step {
  parts: unknown[];
  output: number;
  thoughts: number;
  finish: string | undefined;
}

/**
 * A candidate's stream steps: one per thought piece (`thought: true`), then one per text piece (the last with
 * finishReason), or all function calls in one step followed by an empty-text STOP step, as the API streams them.
 */
function candidateSteps(choice: Completion, call: SimCall, context: ReplyContext): Step[] {
  const thoughts = choice.reasoning.length;
  const steps: Step[] = choice.reasoning.map((text, k) => ({
    parts: [{ text, thought: true }],
    output: 0,
    thoughts: k + 1,
    finish: undefined,
  }));
  const finish = mapGeminiFinishReason(choice.finish);
  if (choice.toolCalls.length > 0) {
    let output = 0;
    for (const planned of choice.toolCalls) output += toolCallTokens(planned);
    steps.push({ parts: functionCallParts(choice, call, context), output, thoughts, finish: undefined });
    steps.push({ parts: [{ text: '' }], output, thoughts, finish });
    return steps;
  }
  if (choice.pieces.length === 0) {
    steps.push({ parts: [{ text: '' }], output: 0, thoughts, finish });
    return steps;
  }
  const last = choice.pieces.length - 1;
  choice.pieces.forEach((text, k) => {
    steps.push({ parts: [{ text }], output: k + 1, thoughts, finish: k === last ? finish : undefined });
  });
  return steps;
}

/** Chunk k holds step k of every candidate that has one; usage sums every candidate's progress so far. */
function streamResponses(fields: ResponseFields, context: ReplyContext): Record<string, unknown>[] {
  const perCandidate = fields.reply.choices.map((choice) => candidateSteps(choice, fields.call, context));
  const [only] = perCandidate;
  if (perCandidate.length === 1 && only !== undefined) {
    return only.map((step) => response(fields, [candidate(0, step.parts, step.finish)], step.output, step.thoughts));
  }
  const longest = Math.max(...perCandidate.map((steps) => steps.length));
  const chunks: Record<string, unknown>[] = [];
  for (let k = 0; k < longest; k++) {
    const candidates: unknown[] = [];
    let output = 0;
    let thoughts = 0;
    perCandidate.forEach((steps, index) => {
      const step = steps[k];
      if (step !== undefined) candidates.push(candidate(index, step.parts, step.finish));
      const progress = step ?? steps[steps.length - 1];
      output += progress?.output ?? 0;
      thoughts += progress?.thoughts ?? 0;
    });
    chunks.push(response(fields, candidates, output, thoughts));
  }
  return chunks;
}

/** Frames payloads as SSE (`data: …\r\n\r\n`) or, without `alt=sse`, as the elements of one JSON array. */
function framer(jsonArray: boolean): { frame: (payload: unknown) => string; close: string[] } {
  if (!jsonArray) return { frame: sseDataCrlf, close: [] };
  let first = true;
  return {
    frame(payload: unknown): string {
      const prefix = first ? '[' : ',\r\n';
      first = false;
      return prefix + JSON.stringify(payload);
    },
    close: [']'],
  };
}

/**
 * One chunk per step with only the new parts and cumulative usageMetadata; a blocked prompt is one chunk with
 * `promptFeedback`. Mid-stream failure: one chunk, then `{"error":{…}}` in the stream (the SDKs check every chunk
 * for `error`).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
function streamGemini(call: SimCall, reply: Reply, context: ReplyContext, midStreamError: boolean): StreamPlan {
  const fields = responseFields(call, reply, context);
  const { frame, close } = framer(call.jsonArrayStream);
  const contentType = call.jsonArrayStream ? 'application/json; charset=UTF-8' : SSE_CONTENT_TYPE;
  if (reply.refused) return { contentType, head: [], tokens: [], tail: [frame(blockedResponse(fields)), ...close] };
  const chunks = streamResponses(fields, context);
  if (midStreamError) {
    const first = frame(chunks[0]);
    const error = frame(geminiErrorPayload(503, FAULT_MESSAGES.UNAVAILABLE ?? 'Overloaded'));
    return { contentType, head: [], tokens: [first], tail: [error, ...close] };
  }
  return { contentType, head: [], tokens: chunks.map(frame), tail: close };
}

/** What Google answers (403) when a request carries no API key at all. */
const UNREGISTERED_CALLER =
  "Method doesn't allow unregistered callers (callers without established identity). " +
  'Please use API Key or other form of API consumer identity to call this API.';

/** The Gemini wire format: needs `x-goog-api-key` (or `?key=`), any non-empty value. */
export const geminiFormat: SimulatedFormat = {
  authenticate(headers: IncomingHttpHeaders, route: RouteInfo): HttpReply | undefined {
    const key = headers['x-goog-api-key'];
    if ((typeof key === 'string' && key.length > 0) || (route.query.get('key') ?? '').length > 0) return undefined;
    return geminiError(403, UNREGISTERED_CALLER);
  },
  parse: parseGeminiRequest,
  error: geminiError,
  fault: geminiFault,
  responseHeaders(): Record<string, string> {
    return {};
  },
  respond: respondGemini,
  stream: streamGemini,
};

/** Trims an alphanumeric id to a whole number of base64 quads, so it reads as canonical base64. */
function canonicalBase64(id: string): string {
  return id.slice(0, id.length - (id.length % 4));
}
