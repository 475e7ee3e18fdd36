/**
 * @module OpenAI Chat Completions as served by OpenAI and the OpenAI-compatible vendors (Mistral, DeepSeek, xAI,
 * Groq): request validation, `chat.completion` bodies, `chat.completion.chunk` streams and `{error:{…}}` bodies.
 * @see https://platform.openai.com/docs/api-reference/chat
 */

import type { IncomingHttpHeaders } from 'node:http';
import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from './guards.js';
import { SSE_CONTENT_TYPE, SSE_DONE, sseData } from './sse.js';
import { estimatePromptTokens, estimateTextTokens, type Completion, type FinishCause } from './text.js';
import type { HttpReply, ReplyContext, SimCall, StreamPlan, WireFormat } from './wire-format.js';

/** Path prefixes served in OpenAI's wire format. */
export const OPENAI_COMPATIBLE_PROVIDERS: readonly string[] = ['openai', 'mistral', 'deepseek', 'xai', 'groq'];

const SYSTEM_FINGERPRINT = 'fp_5im0a7e5d1';

/** `{"error":{message,type,param,code}}`, all four keys present as in the spec's `ErrorResponse`. */
function openAIError(
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): HttpReply {
  return { status, body: { error: { message, type, param, code } } };
}

function invalid(message: string, param: string | null = null, code: string | null = null): HttpReply {
  return openAIError(400, message, 'invalid_request_error', param, code);
}

/** Realistic failure bodies per status, as OpenAI words them. */
function openAIFault(status: number): HttpReply {
  switch (status) {
    case 400:
      return invalid('Simulated invalid request.');
    case 401:
      return openAIError(401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    case 403:
      return openAIError(403, 'Country, region, or territory not supported', 'invalid_request_error', null,
        'unsupported_country_region_territory');
    case 404:
      return openAIError(404, 'The model does not exist or you do not have access to it.',
        'invalid_request_error', null, 'model_not_found');
    case 429:
      return openAIError(429, 'Rate limit reached for requests. Please try again in 1s.', 'requests', null,
        'rate_limit_exceeded');
    case 500:
      return openAIError(500, 'The server had an error while processing your request. Sorry about that!',
        'server_error');
    case 503:
    case 529:
      return openAIError(status, 'The server is overloaded or not ready yet.', 'server_error');
    default:
      return status >= 500
        ? openAIError(status, `Simulated upstream failure (HTTP ${status}).`, 'server_error')
        : invalid(`Simulated request failure (HTTP ${status}).`);
  }
}

/** Text of a message's `content` (string or parts) plus any tool-call names and arguments. */
function openAIMessageText(message: Record<string, unknown>): string {
  let text = '';
  const content = message.content;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (!isRecord(part)) continue;
      const value = typeof part.text === 'string' ? part.text : part.refusal;
      if (typeof value === 'string') text += (text.length > 0 ? '\n' : '') + value;
    }
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      const { name, arguments: args } = call.function;
      text += `${typeof name === 'string' ? name : ''}${typeof args === 'string' ? args : ''}`;
    }
  }
  return text;
}

/** `max_completion_tokens` wins over the deprecated `max_tokens`; null means unset. */
function readMaxTokens(body: Record<string, unknown>): number | undefined | HttpReply {
  for (const param of ['max_completion_tokens', 'max_tokens']) {
    const value = body[param];
    if (isAbsent(value)) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return invalid(`Invalid type for '${param}': expected an integer.`, param, 'invalid_type');
    }
    if (!isIntegerAtLeast(value, 1)) {
      return invalid(`Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
        param, 'integer_below_min_value');
    }
    return value;
  }
  return undefined;
}

function readStop(stop: unknown): string[] | HttpReply {
  if (isAbsent(stop)) return [];
  if (typeof stop === 'string') return [stop];
  if (isStringArray(stop) && stop.length <= 4) return stop;
  return invalid("Invalid 'stop': expected a string or an array of at most 4 strings.", 'stop', 'invalid_type');
}

function parseOpenAIRequest(body: unknown): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return invalid('you must provide a model parameter');
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages', 'empty_array');
  }
  const texts: string[] = [];
  let lastUserText = '';
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return invalid(`Invalid 'messages[${index}]': expected an object with a 'role'.`, `messages.[${index}]`,
        'invalid_type');
    }
    const text = openAIMessageText(message);
    texts.push(text);
    if (message.role === 'user') lastUserText = text;
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return invalid("Invalid type for 'stream': expected a boolean.", 'stream', 'invalid_type');
  }
  const maxTokens = readMaxTokens(body);
  if (typeof maxTokens === 'object') return maxTokens;
  const stop = readStop(body.stop);
  if (!Array.isArray(stop)) return stop;
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    jsonArrayStream: false,
    promptTokens: estimatePromptTokens(texts) + toolTokens,
    lastUserText,
    maxTokens,
    stopSequences: stop,
  };
}

/** @see https://platform.openai.com/docs/api-reference/chat/object (finish_reason) */
function mapOpenAIFinishReason(finish: FinishCause): 'stop' | 'length' {
  switch (finish) {
    case 'end':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

function openAIUsage(call: SimCall, completion: Completion): Record<string, unknown> {
  return {
    prompt_tokens: call.promptTokens,
    completion_tokens: completion.completionTokens,
    total_tokens: call.promptTokens + completion.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function respondOpenAI(call: SimCall, completion: Completion, context: ReplyContext): HttpReply {
  return {
    status: 200,
    body: {
      id: `chatcmpl-${context.nextId(29)}`,
      object: 'chat.completion',
      created: context.nowSeconds,
      model: call.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: completion.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: mapOpenAIFinishReason(completion.finish),
        },
      ],
      usage: openAIUsage(call, completion),
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    },
  };
}

/**
 * Role chunk, one content chunk per token, a finish chunk, the optional `choices: []` usage chunk, `[DONE]`.
 * Mid-stream failure: half the content, then `data: {"error":…}` and the end of the body, no `[DONE]` — the
 * openai SDKs raise on a chunk carrying `error`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
function streamOpenAI(call: SimCall, completion: Completion, context: ReplyContext, midStreamError: boolean): StreamPlan {
  const id = `chatcmpl-${context.nextId(29)}`;
  const usageField = call.includeUsage ? { usage: null } : {};
  const chunk = (choices: unknown[]): string =>
    sseData({
      id,
      object: 'chat.completion.chunk',
      created: context.nowSeconds,
      model: call.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...usageField,
    });
  const delta = (content: Record<string, unknown>, finishReason: string | null = null): string =>
    chunk([{ index: 0, delta: content, logprobs: null, finish_reason: finishReason }]);

  const head = [delta({ role: 'assistant', content: '', refusal: null })];
  const tokens = completion.pieces.map((piece) => delta({ content: piece }));
  if (midStreamError) {
    const failure = openAIFault(503).body;
    return { contentType: SSE_CONTENT_TYPE, head, tokens: tokens.slice(0, Math.ceil(tokens.length / 2)), tail: [sseData(failure)] };
  }
  const tail = [delta({}, mapOpenAIFinishReason(completion.finish))];
  if (call.includeUsage) {
    tail.push(
      sseData({
        id,
        object: 'chat.completion.chunk',
        created: context.nowSeconds,
        model: call.model,
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [],
        usage: openAIUsage(call, completion),
      }),
    );
  }
  tail.push(SSE_DONE);
  return { contentType: SSE_CONTENT_TYPE, head, tokens, tail };
}

/** The OpenAI wire format: `Authorization: Bearer <any non-empty key>`. */
export const openAIFormat: WireFormat = {
  authenticate(headers: IncomingHttpHeaders): HttpReply | undefined {
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && /^Bearer\s+\S/i.test(authorization)) return undefined;
    return openAIError(401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error', null, null);
  },
  parse: parseOpenAIRequest,
  error(status: number, message: string): HttpReply {
    return openAIError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error');
  },
  fault: openAIFault,
  responseHeaders(context: ReplyContext): Record<string, string> {
    return { 'x-request-id': `req_${context.nextId(32)}`, 'openai-version': '2020-10-01' };
  },
  respond: respondOpenAI,
  stream: streamOpenAI,
};
