/**
 * @module Validation of OpenAI Chat Completions requests into a SimCall: messages (text, images, tool calls and
 * tool results, checked for the pairing OpenAI enforces), limits, stop, `n`, tools and `response_format`.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */

import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from '../core/guards.js';
import { invalid } from './openai-errors.js';
import { readOpenAITools } from './openai-tools.js';
import { estimatePromptTokens, estimateTextTokens } from './text.js';
import type { HttpReply, SimCall } from './wire-format.js';

/**
 * Prompt tokens per image. OpenAI bills by size and `detail`: a 1024×1024 image at `high` (or `auto`) costs 765
 * tokens on gpt-4o, any image at `low` costs 85. The simulator never decodes images, so it uses those two figures.
 */
export const OPENAI_IMAGE_TOKENS = 765;
/** Prompt tokens of an image sent with `detail: "low"`. */
export const OPENAI_LOW_DETAIL_IMAGE_TOKENS = 85;
/** OpenAI's upper bound for `n`. */
const MAX_CHOICES = 128;

/** Images met while reading messages. */
interface ImageTally {
  count: number;
  tokens: number;
}

/** An image part: checks its URL (base64 `data:image/…` or http(s)) and tallies it. */
function tallyImage(part: Record<string, unknown>, where: string, role: string, tally: ImageTally): HttpReply | undefined {
  if (role !== 'user') {
    return invalid(`Invalid '${where}': image content is only allowed in messages with role 'user'.`, where, 'invalid_value');
  }
  const image = part.image_url;
  const url = isRecord(image) ? image.url : undefined;
  if (typeof url !== 'string') {
    const param = `${where}.image_url.url`;
    return invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  const dataUrl = /^data:image\/[a-z0-9.+-]+;base64,/i.test(url);
  if (!dataUrl && !/^https?:\/\//i.test(url)) {
    return invalid(
      `Invalid image URL in '${where}.image_url.url': expected an http(s) URL or a base64 data URL with an image MIME type.`,
      `${where}.image_url.url`,
      'invalid_image_url',
    );
  }
  tally.count++;
  tally.tokens += isRecord(image) && image.detail === 'low' ? OPENAI_LOW_DETAIL_IMAGE_TOKENS : OPENAI_IMAGE_TOKENS;
  return undefined;
}

/** Text of a message's `content` (string or parts) plus any tool-call names and arguments; images are tallied. */
function messageText(message: Record<string, unknown>, index: number, tally: ImageTally): string | HttpReply {
  let text = '';
  const content = message.content;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    for (const [partIndex, part] of content.entries()) {
      if (!isRecord(part)) continue;
      if (part.type === 'image_url') {
        const problem = tallyImage(part, `messages[${index}].content[${partIndex}]`, String(message.role), tally);
        if (problem !== undefined) return problem;
        continue;
      }
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

/** Ids of an assistant message's tool calls, which the next messages must answer one by one. */
function toolCallIds(message: Record<string, unknown>): Set<string> | undefined {
  if (!Array.isArray(message.tool_calls) || message.tool_calls.length === 0) return undefined;
  const ids = new Set<string>();
  for (const call of message.tool_calls) if (isRecord(call) && typeof call.id === 'string') ids.add(call.id);
  return ids;
}

function unansweredCalls(pending: Set<string>): HttpReply {
  return invalid(
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
      `The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
    'messages',
    'invalid_value',
  );
}

/** What the messages say, once read. */
interface MessageScan {
  texts: string[];
  lastUserText: string;
  lastTurnImages: number;
  images: ImageTally;
  /** Text of the tool messages that end the conversation, if it ends with any. */
  toolResult: string | undefined;
}

/**
 * Reads every message: texts for the token count, the last user turn, images, and OpenAI's pairing rule (each
 * assistant `tool_calls` answered by `tool` messages right after it, and no `tool` message without a call).
 */
function scanMessages(messages: unknown[]): MessageScan | HttpReply {
  const scan: MessageScan = {
    texts: [],
    lastUserText: '',
    lastTurnImages: 0,
    images: { count: 0, tokens: 0 },
    toolResult: undefined,
  };
  let pending: Set<string> | undefined;
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return invalid(`Invalid 'messages[${index}]': expected an object with a 'role'.`, `messages.[${index}]`, 'invalid_type');
    }
    const imagesBefore = scan.images.count;
    const text = messageText(message, index, scan.images);
    if (typeof text !== 'string') return text;
    scan.texts.push(text);
    const { role } = message;
    if (role === 'tool') {
      if (pending === undefined || typeof message.tool_call_id !== 'string' || !pending.delete(message.tool_call_id)) {
        return invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      continue;
    }
    if (pending !== undefined && pending.size > 0) return unansweredCalls(pending);
    pending = role === 'assistant' ? toolCallIds(message) : undefined;
    if (role === 'user') {
      scan.lastUserText = text;
      scan.lastTurnImages = scan.images.count - imagesBefore;
    }
  }
  if (pending !== undefined && pending.size > 0) return unansweredCalls(pending);
  scan.toolResult = trailingToolResults(messages, scan.texts);
  return scan;
}

/** The texts of the `tool` messages that end the conversation, joined; undefined when it ends otherwise. */
function trailingToolResults(messages: unknown[], texts: string[]): string | undefined {
  let start = messages.length;
  while (start > 0) {
    const message = messages[start - 1];
    if (!isRecord(message) || message.role !== 'tool') break;
    start--;
  }
  return start === messages.length ? undefined : texts.slice(start).join(' ');
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
      return invalid(
        `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
        param,
        'integer_below_min_value',
      );
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

function readN(n: unknown): number | HttpReply {
  if (isAbsent(n)) return 1;
  if (isIntegerAtLeast(n, 1) && n <= MAX_CHOICES) return n;
  return invalid(`Invalid 'n': expected an integer between 1 and ${MAX_CHOICES}.`, 'n', 'invalid_value');
}

/** `response_format`: text (undefined), `json_object` (no schema) or `json_schema` (its `schema`). */
function readResponseFormat(format: unknown, texts: readonly string[]): { schema: unknown } | undefined | HttpReply {
  if (isAbsent(format)) return undefined;
  if (!isRecord(format)) {
    return invalid("Invalid type for 'response_format': expected an object.", 'response_format', 'invalid_type');
  }
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      // OpenAI's JSON mode insists that the conversation itself asks for JSON.
      if (!texts.some((text) => /json/i.test(text))) {
        return invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
      }
      return { schema: undefined };
    case 'json_schema': {
      const spec = format.json_schema;
      if (!isRecord(spec) || typeof spec.name !== 'string') {
        return invalid(
          "Missing required parameter: 'response_format.json_schema.name'.",
          'response_format.json_schema.name',
          'missing_required_parameter',
        );
      }
      return { schema: isAbsent(spec.schema) ? undefined : spec.schema };
    }
    default:
      return invalid(
        `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
        'response_format.type',
        'invalid_value',
      );
  }
}

/** Validates a Chat Completions body into a call, or answers the 400 OpenAI would. */
export function parseOpenAIRequest(body: unknown): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return invalid('you must provide a model parameter');
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (messages.length === 0) {
    return invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  const scan = scanMessages(messages);
  if ('status' in scan) return scan;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return invalid("Invalid type for 'stream': expected a boolean.", 'stream', 'invalid_type');
  }
  const maxTokens = readMaxTokens(body);
  if (typeof maxTokens === 'object') return maxTokens;
  const stop = readStop(body.stop);
  if (!Array.isArray(stop)) return stop;
  const candidates = readN(body.n);
  if (typeof candidates !== 'number') return candidates;
  const tools = readOpenAITools(body, scan.toolResult !== undefined);
  if ('status' in tools) return tools;
  const jsonOutput = readResponseFormat(body.response_format, scan.texts);
  if (jsonOutput !== undefined && 'status' in jsonOutput) return jsonOutput;
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    jsonArrayStream: false,
    promptTokens: estimatePromptTokens(scan.texts) + toolTokens + scan.images.tokens,
    lastUserText: scan.lastUserText,
    maxTokens,
    stopSequences: stop,
    promptImages: scan.images.count,
    lastTurnImages: scan.lastTurnImages,
    candidates,
    callableTools: tools.callable,
    maxParallelCalls: tools.maxParallelCalls,
    toolResult: scan.toolResult,
    jsonOutput,
  };
}
