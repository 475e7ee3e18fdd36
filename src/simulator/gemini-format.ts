/**
 * @module Google Gemini `generateContent` / `streamGenerateContent`: API-key check, request validation,
 * GenerateContentResponse bodies, SSE (or JSON-array) streams with cumulative usage, and Google RPC errors.
 * @see https://ai.google.dev/api/generate-content
 */

import type { IncomingHttpHeaders } from 'node:http';
import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from './guards.js';
import { SSE_CONTENT_TYPE, sseDataCrlf } from './sse.js';
import { estimatePromptTokens, estimateTextTokens, type Completion, type FinishCause } from './text.js';
import type { HttpReply, ReplyContext, RouteInfo, SimCall, StreamPlan, WireFormat } from './wire-format.js';

/**
 * google.rpc.Code name for each HTTP status.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
function geminiRpcStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
    case 529: // Not a Google status; the nearest meaning is "overloaded".
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  PERMISSION_DENIED: 'The caller does not have permission',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED: 'You exceeded your current quota, please check your plan and billing details.',
  INTERNAL: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'Deadline expired before operation could complete.',
};

function geminiErrorPayload(status: number, message: string): Record<string, unknown> {
  const error: Record<string, unknown> = { code: status, message, status: geminiRpcStatus(status) };
  if (status === 429) error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }];
  return { error };
}

function geminiError(status: number, message: string): HttpReply {
  return { status, body: geminiErrorPayload(status, message) };
}

function geminiFault(status: number): HttpReply {
  const message = FAULT_MESSAGES[geminiRpcStatus(status)] ?? `Simulated failure (HTTP ${status}).`;
  return geminiError(status, message);
}

function invalid(message: string): HttpReply {
  return geminiError(400, message);
}

/** Text of a Content's parts; function calls and responses count by their JSON. */
function geminiContentText(content: Record<string, unknown>): string {
  if (!Array.isArray(content.parts)) return '';
  let text = '';
  for (const part of content.parts) {
    if (!isRecord(part)) continue;
    const value =
      typeof part.text === 'string'
        ? part.text
        : isRecord(part.functionCall) || isRecord(part.functionResponse)
          ? JSON.stringify(part.functionCall ?? part.functionResponse)
          : undefined;
    if (value !== undefined) text += (text.length > 0 ? '\n' : '') + value;
  }
  return text;
}

function readGenerationConfig(config: unknown): { maxTokens: number | undefined; stop: string[] } | HttpReply {
  if (isAbsent(config)) return { maxTokens: undefined, stop: [] };
  if (!isRecord(config)) return invalid('Invalid JSON payload received. Unknown name "generationConfig": expected an object.');
  const { maxOutputTokens, stopSequences } = config;
  if (!isAbsent(maxOutputTokens) && !isIntegerAtLeast(maxOutputTokens, 1)) {
    return invalid('* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n');
  }
  if (!isAbsent(stopSequences) && (!isStringArray(stopSequences) || stopSequences.length > 5)) {
    return invalid('* GenerateContentRequest.generation_config.stop_sequences: at most 5 strings are allowed\n');
  }
  return {
    maxTokens: isAbsent(maxOutputTokens) ? undefined : maxOutputTokens,
    stop: isStringArray(stopSequences) ? stopSequences : [],
  };
}

function parseGeminiRequest(body: unknown, route: RouteInfo): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('Invalid JSON payload received. Expected an object.');
  if (route.pathModel === undefined || route.pathModel.length === 0) return invalid('* model: model is required\n');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  }
  const texts: string[] = [];
  if (isRecord(body.systemInstruction)) texts.push(geminiContentText(body.systemInstruction));
  let lastUserText = '';
  for (const [index, content] of contents.entries()) {
    if (!isRecord(content)) return invalid(`* GenerateContentRequest.contents[${index}]: must be an object\n`);
    const text = geminiContentText(content);
    texts.push(text);
    if (content.role !== 'model') lastUserText = text;
  }
  const config = readGenerationConfig(body.generationConfig);
  if ('status' in config) return config;
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  return {
    model: route.pathModel,
    stream: route.pathStream,
    includeUsage: true,
    jsonArrayStream: route.pathStream && route.query.get('alt') !== 'sse',
    promptTokens: estimatePromptTokens(texts) + toolTokens,
    lastUserText,
    maxTokens: config.maxTokens,
    stopSequences: config.stop,
  };
}

/** Gemini has no stop-sequence reason: a matched stop sequence also ends with STOP. */
function mapGeminiFinishReason(finish: FinishCause): 'STOP' | 'MAX_TOKENS' {
  switch (finish) {
    case 'end':
    case 'stop_sequence':
      return 'STOP';
    case 'max_tokens':
      return 'MAX_TOKENS';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

interface ChunkFields {
  model: string;
  responseId: string;
  promptTokens: number;
}

/** One GenerateContentResponse: `text` is the new text only, usage is cumulative. */
function geminiResponse(
  fields: ChunkFields,
  text: string,
  outputTokens: number,
  finishReason: string | undefined,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts: [{ text }], role: 'model' } };
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  candidate.index = 0;
  return {
    candidates: [candidate],
    usageMetadata: {
      promptTokenCount: fields.promptTokens,
      candidatesTokenCount: outputTokens,
      totalTokenCount: fields.promptTokens + outputTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: fields.promptTokens }],
    },
    modelVersion: fields.model,
    responseId: fields.responseId,
  };
}

function chunkFields(call: SimCall, context: ReplyContext): ChunkFields {
  return { model: call.model, responseId: context.nextId(23), promptTokens: call.promptTokens };
}

function respondGemini(call: SimCall, completion: Completion, context: ReplyContext): HttpReply {
  const finish = mapGeminiFinishReason(completion.finish);
  return { status: 200, body: geminiResponse(chunkFields(call, context), completion.text, completion.completionTokens, finish) };
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
 * One chunk per token with only the new text and cumulative usageMetadata; the last carries finishReason.
 * Mid-stream failure: one chunk, then `{"error":{…}}` in the stream (the SDKs check every chunk for `error`).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
function streamGemini(call: SimCall, completion: Completion, context: ReplyContext, midStreamError: boolean): StreamPlan {
  const fields = chunkFields(call, context);
  const { frame, close } = framer(call.jsonArrayStream);
  const contentType = call.jsonArrayStream ? 'application/json; charset=UTF-8' : SSE_CONTENT_TYPE;
  const finish = mapGeminiFinishReason(completion.finish);
  const { pieces } = completion;

  if (midStreamError) {
    const first = frame(geminiResponse(fields, pieces[0] ?? '', Math.min(1, pieces.length), undefined));
    const error = frame(geminiErrorPayload(503, FAULT_MESSAGES.UNAVAILABLE ?? 'Overloaded'));
    return { contentType, head: [], tokens: [first], tail: [error, ...close] };
  }
  if (pieces.length === 0) {
    return { contentType, head: [], tokens: [], tail: [frame(geminiResponse(fields, '', 0, finish)), ...close] };
  }
  const tokens = pieces.map((piece, index) =>
    frame(geminiResponse(fields, piece, index + 1, index === pieces.length - 1 ? finish : undefined)),
  );
  return { contentType, head: [], tokens, tail: close };
}

/** The Gemini wire format: needs `x-goog-api-key` (or `?key=`), any non-empty value. */
export const geminiFormat: WireFormat = {
  authenticate(headers: IncomingHttpHeaders, route: RouteInfo): HttpReply | undefined {
    const key = headers['x-goog-api-key'];
    if ((typeof key === 'string' && key.length > 0) || (route.query.get('key') ?? '').length > 0) return undefined;
    return geminiError(403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
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
