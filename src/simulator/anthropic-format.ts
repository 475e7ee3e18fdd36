/**
 * @module Anthropic Messages API: header checks, `Message` bodies and named-event streams, with signed `thinking`
 * blocks, `tool_use` blocks (streamed as `input_json_delta` fragments), refusals and prompt-cache usage. Requests
 * are read in `anthropic-request.ts`, errors shaped in `anthropic-errors.ts`.
 * @see https://docs.anthropic.com/en/api/messages
 */

import type { IncomingHttpHeaders } from 'node:http';
import { anthropicErrorType } from '../providers/index.js';
import { anthropicError, FAULT_MESSAGES } from './anthropic-errors.js';
import { parseAnthropicRequest } from './anthropic-request.js';
import { signThinking } from './anthropic-thinking.js';
import type { Reply } from './reply.js';
import { SSE_CONTENT_TYPE, sseEvent } from './sse.js';
import type { Completion, FinishCause } from './text.js';
import { argumentFragments } from './tool-calls.js';
import type { HttpReply, ReplyContext, SimCall, StreamPlan, SimulatedFormat } from './wire-format.js';

type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** @see https://docs.anthropic.com/en/api/messages#response-stop-reason */
function mapAnthropicStopReason(finish: FinishCause): StopReason {
  switch (finish) {
    case 'end':
      return 'end_turn';
    case 'max_tokens':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_calls':
      return 'tool_use';
    case 'refusal':
      return 'refusal';
    default: {
      const unexpected: never = finish;
      throw new Error(`unknown finish cause ${String(unexpected)}`);
    }
  }
}

/** Why a refusal stopped, as the API explains it in `stop_details`. */
const REFUSAL_DETAILS = {
  type: 'refusal',
  category: null,
  explanation: 'The simulated model declined this request (the `refuse` knob is on).',
};

/**
 * Usage as in `message_delta` (`final`) or `message_start` (a token or so of output so far); whole messages add
 * `service_tier`. `input_tokens` leaves out the tokens written to and read from the cache, as the real API does
 * (prompt = input + cache creation + cache read), `cache_creation` splits the writes by lifetime, and
 * `output_tokens` includes thinking.
 */
function anthropicUsage(call: SimCall, reply: Reply, final: boolean): Record<string, unknown> {
  const writes = reply.cacheWriteTokens;
  const usage: Record<string, unknown> = {
    input_tokens: call.promptTokens - reply.cachedTokens - writes,
    cache_creation_input_tokens: writes,
    cache_read_input_tokens: reply.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: writes - reply.cacheWrite1hTokens, ephemeral_1h_input_tokens: reply.cacheWrite1hTokens },
    output_tokens: final ? reply.completionTokens : Math.min(1, reply.completionTokens),
  };
  if (final && reply.reasoningTokens > 0) {
    usage.output_tokens_details = { thinking_tokens: reply.reasoningTokens };
  }
  return usage;
}

function messageId(context: ReplyContext): string {
  return `msg_01${context.nextId(22)}`;
}

/** One content block, whole (for a Message) and as streamed. */
interface BlockPlan {
  /** The `content_block` of `content_block_start`. */
  start: Record<string, unknown>;
  /** The block in a non-streaming Message. */
  whole: Record<string, unknown>;
  /** Paced `content_block_delta` deltas. */
  deltas: Record<string, unknown>[];
  /** A delta sent right before the block stops (a thinking block's `signature_delta`). */
  closing: Record<string, unknown> | undefined;
}

/**
 * The content blocks of a reply: a `thinking` block when there is reasoning, then `tool_use` blocks or one text
 * block. A refusal has no blocks at all, and neither has an empty text reply (as with the real API).
 */
function blockPlans(choice: Completion, context: ReplyContext): BlockPlan[] {
  const blocks: BlockPlan[] = [];
  if (choice.reasoning.length > 0) {
    const thinking = choice.reasoning.join('');
    const signature = signThinking(thinking);
    blocks.push({
      start: { type: 'thinking', thinking: '', signature: '' },
      whole: { type: 'thinking', thinking, signature },
      deltas: choice.reasoning.map((thinking) => ({ type: 'thinking_delta', thinking })),
      closing: { type: 'signature_delta', signature },
    });
  }
  if (choice.finish === 'refusal') return blocks;
  for (const call of choice.toolCalls) {
    const id = `toolu_01${context.nextId(22)}`;
    // Like the real stream, the first input_json_delta is empty.
    const fragments = ['', ...argumentFragments(call.arguments)];
    blocks.push({
      start: { type: 'tool_use', id, name: call.name, input: {} },
      whole: { type: 'tool_use', id, name: call.name, input: call.input },
      deltas: fragments.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
      closing: undefined,
    });
  }
  if (choice.toolCalls.length === 0 && choice.pieces.length > 0) {
    blocks.push({
      start: { type: 'text', text: '' },
      whole: { type: 'text', text: choice.text },
      deltas: choice.pieces.map((text) => ({ type: 'text_delta', text })),
      closing: undefined,
    });
  }
  return blocks;
}

/** The only choice: Anthropic has no `n` (the gateway fans out instead). */
function onlyChoice(reply: Reply): Completion {
  const choice = reply.choices[0];
  if (choice === undefined) throw new Error('a reply always has a choice');
  return choice;
}

function respondAnthropic(call: SimCall, reply: Reply, context: ReplyContext): HttpReply {
  const choice = onlyChoice(reply);
  const body: Record<string, unknown> = {
    id: messageId(context),
    type: 'message',
    role: 'assistant',
    model: call.model,
    content: blockPlans(choice, context).map((block) => block.whole),
    stop_reason: mapAnthropicStopReason(choice.finish),
    stop_sequence: choice.stopSequence,
    usage: { ...anthropicUsage(call, reply, true), service_tier: 'standard' },
  };
  if (choice.finish === 'refusal') body.stop_details = REFUSAL_DETAILS;
  return { status: 200, body };
}

/**
 * message_start, then per block content_block_start, its deltas (the paced frames) and content_block_stop (a
 * thinking block sends its signature_delta just before the stop), a ping after the first block start,
 * message_delta (stop reason + cumulative usage), message_stop. Events between two blocks travel with the next
 * block's first delta, so only deltas are paced. Mid-stream failure: Anthropic answers 200, sends message_start
 * and then an `error` event (overloaded_error) before the connection closes.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
function streamAnthropic(call: SimCall, reply: Reply, context: ReplyContext, midStreamError: boolean): StreamPlan {
  const choice = onlyChoice(reply);
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
      usage: { ...anthropicUsage(call, reply, false), service_tier: 'standard' },
    },
  });
  if (midStreamError) {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    return { contentType: SSE_CONTENT_TYPE, head: [messageStart], tokens: [], tail: [sseEvent('error', error)] };
  }
  const head = [messageStart];
  const tokens: string[] = [];
  let carried = '';
  blockPlans(choice, context).forEach((block, index) => {
    const start = sseEvent('content_block_start', { type: 'content_block_start', index, content_block: block.start });
    if (index === 0) head.push(start, sseEvent('ping', { type: 'ping' }));
    else carried += start;
    for (const delta of block.deltas) {
      tokens.push(carried + sseEvent('content_block_delta', { type: 'content_block_delta', index, delta }));
      carried = '';
    }
    if (block.closing !== undefined) {
      carried += sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: block.closing });
    }
    carried += sseEvent('content_block_stop', { type: 'content_block_stop', index });
  });
  if (head.length === 1) head.push(sseEvent('ping', { type: 'ping' }));
  const delta: Record<string, unknown> = {
    stop_reason: mapAnthropicStopReason(choice.finish),
    stop_sequence: choice.stopSequence,
  };
  if (choice.finish === 'refusal') delta.stop_details = REFUSAL_DETAILS;
  const tail = carried.length > 0 ? [carried] : [];
  tail.push(
    sseEvent('message_delta', { type: 'message_delta', delta, usage: anthropicUsage(call, reply, true) }),
    sseEvent('message_stop', { type: 'message_stop' }),
  );
  return { contentType: SSE_CONTENT_TYPE, head, tokens, tail };
}

/** The Anthropic wire format: needs `x-api-key` (any non-empty value) and `anthropic-version`. */
export const anthropicFormat: SimulatedFormat = {
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
