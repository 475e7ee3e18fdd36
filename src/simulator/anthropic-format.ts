/**
 * @module Anthropic Messages API: header checks, request validation (`max_tokens` required), `Message` bodies,
 * named-event streams and `{type:'error', error:{type,message}}` bodies.
 * @see https://docs.anthropic.com/en/api/messages
 */

import type { IncomingHttpHeaders } from 'node:http';
import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from './guards.js';
import { SSE_CONTENT_TYPE, sseEvent } from './sse.js';
import { estimatePromptTokens, estimateTextTokens, type Completion, type FinishCause } from './text.js';
import type { HttpReply, ReplyContext, SimCall, StreamPlan, WireFormat } from './wire-format.js';

/**
 * Error `type` for each status.
 * @see https://docs.anthropic.com/en/api/errors
 */
function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      // Anthropic documents `invalid_request_error` for other 4xx and `api_error` for internal errors.
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

function anthropicError(status: number, message: string): HttpReply {
  return { status, body: { type: 'error', error: { type: anthropicErrorType(status), message } } };
}

function invalid(message: string): HttpReply {
  return anthropicError(400, message);
}

/** Text of a string or content-block array; tool blocks count by their JSON. */
function anthropicContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content) {
    if (!isRecord(block)) continue;
    const value =
      typeof block.text === 'string'
        ? block.text
        : block.type === 'tool_use' || block.type === 'tool_result'
          ? JSON.stringify(block.type === 'tool_use' ? block.input : block.content)
          : undefined;
    if (typeof value === 'string') text += (text.length > 0 ? '\n' : '') + value;
  }
  return text;
}

function parseAnthropicRequest(body: unknown): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) return invalid('model: Field required');
  const messages = body.messages;
  if (!Array.isArray(messages)) return invalid('messages: Field required');
  if (messages.length === 0) return invalid('messages: at least one message is required');
  if (body.max_tokens === undefined) return invalid('max_tokens: Field required');
  if (!isIntegerAtLeast(body.max_tokens, 1)) return invalid('max_tokens: Input should be a valid integer ≥ 1');
  if (!isAbsent(body.stop_sequences) && !isStringArray(body.stop_sequences)) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  if (!isAbsent(body.stream) && typeof body.stream !== 'boolean') return invalid('stream: Input should be a valid boolean');

  const texts: string[] = [];
  if (!isAbsent(body.system)) texts.push(anthropicContentText(body.system));
  let lastUserText = '';
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    const text = anthropicContentText(message.content);
    texts.push(text);
    if (message.role === 'user') lastUserText = text;
  }
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: true,
    jsonArrayStream: false,
    promptTokens: estimatePromptTokens(texts) + toolTokens,
    lastUserText,
    maxTokens: body.max_tokens,
    stopSequences: isStringArray(body.stop_sequences) ? body.stop_sequences : [],
  };
}

/** @see https://docs.anthropic.com/en/api/messages#response-stop-reason */
function mapAnthropicStopReason(finish: FinishCause): 'end_turn' | 'max_tokens' | 'stop_sequence' {
  switch (finish) {
    case 'end':
      return 'end_turn';
    case 'max_tokens':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

/** Usage as in `message_delta`; whole messages add `service_tier`. Cache counts are always 0 here. */
function anthropicUsage(call: SimCall, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: call.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  };
}

function messageId(context: ReplyContext): string {
  return `msg_01${context.nextId(22)}`;
}

function respondAnthropic(call: SimCall, completion: Completion, context: ReplyContext): HttpReply {
  return {
    status: 200,
    body: {
      id: messageId(context),
      type: 'message',
      role: 'assistant',
      model: call.model,
      // The real API returns no block at all when nothing was generated (e.g. a stop sequence at the start).
      content: completion.text.length > 0 ? [{ type: 'text', text: completion.text }] : [],
      stop_reason: mapAnthropicStopReason(completion.finish),
      stop_sequence: completion.stopSequence,
      usage: { ...anthropicUsage(call, completion.completionTokens), service_tier: 'standard' },
    },
  };
}

/**
 * message_start, content_block_start, ping, one text_delta per token, content_block_stop, message_delta (stop
 * reason + cumulative usage), message_stop. Mid-stream failure: Anthropic answers 200, sends message_start and
 * then an `error` event (overloaded_error) before the connection closes.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
function streamAnthropic(
  call: SimCall,
  completion: Completion,
  context: ReplyContext,
  midStreamError: boolean,
): StreamPlan {
  const messageStart = sseEvent('message_start', {
    type: 'message_start',
    message: {
      id: messageId(context),
      type: 'message',
      role: 'assistant',
      model: call.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The real API reports a token or so of output already at message_start.
      usage: { ...anthropicUsage(call, Math.min(1, completion.completionTokens)), service_tier: 'standard' },
    },
  });
  if (midStreamError) {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    return { contentType: SSE_CONTENT_TYPE, head: [messageStart], tokens: [], tail: [sseEvent('error', error)] };
  }
  const hasText = completion.pieces.length > 0;
  const head = [messageStart];
  if (hasText) {
    head.push(
      sseEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      sseEvent('ping', { type: 'ping' }),
    );
  }
  const tokens = completion.pieces.map((text) =>
    sseEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
  );
  const tail: string[] = [];
  if (hasText) tail.push(sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }));
  tail.push(
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: mapAnthropicStopReason(completion.finish), stop_sequence: completion.stopSequence },
      usage: anthropicUsage(call, completion.completionTokens),
    }),
    sseEvent('message_stop', { type: 'message_stop' }),
  );
  return { contentType: SSE_CONTENT_TYPE, head, tokens, tail };
}

/** The Anthropic wire format: needs `x-api-key` (any non-empty value) and `anthropic-version`. */
export const anthropicFormat: WireFormat = {
  authenticate(headers: IncomingHttpHeaders): HttpReply | undefined {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey !== 'string' || apiKey.length === 0) {
      return anthropicError(401, 'x-api-key header is required');
    }
    const version = headers['anthropic-version'];
    if (typeof version !== 'string' || version.length === 0) {
      return anthropicError(400, 'anthropic-version: header is required');
    }
    return undefined;
  },
  parse: parseAnthropicRequest,
  error(status: number, message: string): HttpReply {
    return anthropicError(status, message);
  },
  fault(status: number): HttpReply {
    const type = anthropicErrorType(status);
    return anthropicError(status, FAULT_MESSAGES[type] ?? `Simulated failure (HTTP ${status}).`);
  },
  responseHeaders(context: ReplyContext): Record<string, string> {
    return { 'request-id': `req_011C${context.nextId(20)}` };
  },
  respond: respondAnthropic,
  stream: streamAnthropic,
};
