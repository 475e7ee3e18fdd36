/**
 * @module OpenAI Chat Completions as served by OpenAI and the OpenAI-compatible vendors (Mistral, DeepSeek, xAI,
 * Groq, DeepInfra): `chat.completion` bodies and `chat.completion.chunk` streams, with tool calls, several choices,
 * DeepSeek-style `reasoning_content`, refusals and cached-token usage. Requests are read in `openai-request.ts`.
 * @see https://platform.openai.com/docs/api-reference/chat
 */

import type { IncomingHttpHeaders } from 'node:http';
import { openAIError, openAIFault } from './openai-errors.js';
import { parseOpenAIRequest } from './openai-request.js';
import type { Reply } from './reply.js';
import { SSE_CONTENT_TYPE, SSE_DONE, sseData } from './sse.js';
import type { Completion, FinishCause } from './text.js';
import { argumentFragments } from './tool-calls.js';
import type { HttpReply, ReplyContext, SimCall, StreamPlan, SimulatedFormat } from './wire-format.js';

/** Path prefixes served in OpenAI's wire format. */
export const OPENAI_COMPATIBLE_PROVIDERS: readonly string[] = ['openai', 'mistral', 'deepseek', 'xai', 'groq', 'deepinfra'];

const SYSTEM_FINGERPRINT = 'fp_5im0a7e5d1';

/**
 * A refusal ends with `stop`, not `content_filter`: OpenAI reports refusals in `message.refusal` and keeps
 * `content_filter` for output its filters removed.
 * @see https://platform.openai.com/docs/api-reference/chat/object (finish_reason)
 * @see https://platform.openai.com/docs/guides/structured-outputs#refusals
 */
function mapOpenAIFinishReason(finish: FinishCause): 'stop' | 'length' | 'tool_calls' {
  switch (finish) {
    case 'end':
    case 'stop_sequence':
    case 'refusal':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

function openAIUsage(call: SimCall, reply: Reply): Record<string, unknown> {
  return {
    prompt_tokens: call.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: call.promptTokens + reply.completionTokens,
    prompt_tokens_details: { cached_tokens: reply.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reply.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** `call_` plus 24 characters, like OpenAI's tool-call ids. */
function toolCallIds(choice: Completion, context: ReplyContext): string[] {
  return choice.toolCalls.map(() => `call_${context.nextId(24)}`);
}

/** The assistant message of one choice: text, tool calls (content null) or a refusal (content null). */
function openAIMessage(choice: Completion, context: ReplyContext): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: choice.text, refusal: null };
  if (choice.reasoning.length > 0) message.reasoning_content = choice.reasoning.join('');
  if (choice.finish === 'refusal') {
    message.content = null;
    message.refusal = choice.text;
  } else if (choice.toolCalls.length > 0) {
    const ids = toolCallIds(choice, context);
    message.content = null;
    message.tool_calls = choice.toolCalls.map((call, index) => ({
      id: ids[index],
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  message.annotations = [];
  return message;
}

function respondOpenAI(call: SimCall, reply: Reply, context: ReplyContext): HttpReply {
  return {
    status: 200,
    body: {
      id: `chatcmpl-${context.nextId(29)}`,
      object: 'chat.completion',
      created: context.nowSeconds,
      model: call.model,
      choices: reply.choices.map((choice, index) => ({
        index,
        message: openAIMessage(choice, context),
        logprobs: null,
        finish_reason: mapOpenAIFinishReason(choice.finish),
      })),
      usage: openAIUsage(call, reply),
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    },
  };
}

/** Serializes one chunk whose only choice has `index` and `delta`. */
type DeltaFrame = (index: number, delta: Record<string, unknown>, finishReason?: string | null) => string;

/**
 * The paced frames of one choice: reasoning deltas (`reasoning_content`, DeepSeek style), then content or refusal
 * deltas, or for each tool call a header (`id`, `type`, `name`, empty `arguments`) and its argument fragments.
 */
function choiceFrames(choice: Completion, index: number, delta: DeltaFrame, context: ReplyContext): string[] {
  const frames = choice.reasoning.map((piece) => delta(index, { content: null, reasoning_content: piece }));
  if (choice.toolCalls.length > 0) {
    const ids = toolCallIds(choice, context);
    choice.toolCalls.forEach((call, k) => {
      const header = { index: k, id: ids[k], type: 'function', function: { name: call.name, arguments: '' } };
      frames.push(delta(index, { tool_calls: [header] }));
      for (const fragment of argumentFragments(call.arguments)) {
        frames.push(delta(index, { tool_calls: [{ index: k, function: { arguments: fragment } }] }));
      }
    });
    return frames;
  }
  if (choice.finish === 'refusal') for (const piece of choice.pieces) frames.push(delta(index, { refusal: piece }));
  else for (const piece of choice.pieces) frames.push(delta(index, { content: piece }));
  return frames;
}

/** Round-robin merge of the choices' frames, so a client sees the indexes interleaved as with a real `n > 1`. */
function interleave(lists: string[][]): string[] {
  if (lists.length === 1) return lists[0] ?? [];
  const merged: string[] = [];
  const longest = Math.max(...lists.map((list) => list.length));
  for (let step = 0; step < longest; step++) {
    for (const list of lists) {
      const frame = list[step];
      if (frame !== undefined) merged.push(frame);
    }
  }
  return merged;
}

/**
 * A role chunk per choice, then the choices' deltas interleaved, a finish chunk per choice, the optional
 * `choices: []` usage chunk, `[DONE]`. Mid-stream failure: half the deltas, then `data: {"error":…}` and the end
 * of the body, no `[DONE]` — the openai SDKs raise on a chunk carrying `error`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
function streamOpenAI(call: SimCall, reply: Reply, context: ReplyContext, midStreamError: boolean): StreamPlan {
  const id = `chatcmpl-${context.nextId(29)}`;
  // Every chunk carries `usage: null` when usage was asked for; the last one, without choices, the numbers.
  const frame = (choices: unknown[], usage: { usage?: unknown }): string =>
    sseData({
      id,
      object: 'chat.completion.chunk',
      created: context.nowSeconds,
      model: call.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...usage,
    });
  const chunk = (choices: unknown[]): string => frame(choices, call.includeUsage ? { usage: null } : {});
  const delta: DeltaFrame = (index, content, finishReason = null) => chunk([{ index, delta: content, logprobs: null, finish_reason: finishReason }]);

  // Text starts with content "", tool calls and refusals with content null, as OpenAI streams them.
  const head = reply.choices.map((choice, index) => {
    const textless = choice.finish === 'refusal' || choice.toolCalls.length > 0;
    return delta(index, { role: 'assistant', content: textless ? null : '', refusal: null });
  });
  const tokens = interleave(reply.choices.map((choice, index) => choiceFrames(choice, index, delta, context)));
  if (midStreamError) {
    const failure = openAIFault(503).body;
    const before = tokens.slice(0, Math.ceil(tokens.length / 2));
    return { contentType: SSE_CONTENT_TYPE, head, tokens: before, tail: [sseData(failure)] };
  }
  const tail = reply.choices.map((choice, index) => delta(index, {}, mapOpenAIFinishReason(choice.finish)));
  if (call.includeUsage) tail.push(frame([], { usage: openAIUsage(call, reply) }));
  tail.push(SSE_DONE);
  return { contentType: SSE_CONTENT_TYPE, head, tokens, tail };
}

/** What OpenAI answers (401) when the Authorization header is missing. */
const MISSING_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  '(i.e. Authorization: Bearer YOUR_KEY).';

/** The OpenAI wire format: `Authorization: Bearer <any non-empty key>`. */
export const openAIFormat: SimulatedFormat = {
  authenticate(headers: IncomingHttpHeaders): HttpReply | undefined {
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && /^Bearer\s+\S/i.test(authorization)) return undefined;
    return openAIError(401, MISSING_KEY, 'invalid_request_error');
  },
  parse: parseOpenAIRequest,
  error(status: number, message: string): HttpReply {
    return openAIError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error');
  },
  fault: openAIFault,
  responseHeaders(context: ReplyContext): Record<string, string> {
    return { 'x-request-id': `req_${context.nextId(32)}` };
  },
  respond: respondOpenAI,
  stream: streamOpenAI,
};
