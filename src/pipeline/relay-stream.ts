/**
 * @module Relaying a streamed chat answer to the client in the door's format: events written as they arrive (with
 * backpressure), then the door's closing events carrying the settled usage. A failure after the first byte ends the
 * stream with the door's error events. When the stream ends without the upstream's usage (client gone, upstream
 * cut, an upstream that never sends it), the output already delivered is counted with the bounded tokenizer, so the
 * usage the client is sent and the ledger row are the same estimate. A {@link StreamTap} may watch the chunks go by and
 * be told of a finished stream before its closing events (the response cache assembles and stores the answer).
 */
import type { FastifyReply } from 'fastify';
import type { ChatCompletionChunk, Usage } from '../core/chat-response.js';
import { GatewayError } from '../core/gateway-error.js';
import type { StreamResult } from '../gateway/index.js';
import { settleUsage, BoundedTokenCounter, type SettledUsage, type PromptSize } from '../metering/index.js';
import { endSseEvents, writeSseEvents } from '../server/sse.js';
import type { ChatStreamEncoder } from './front-door.js';
import type { RequestLifecycle } from './request-lifecycle.js';

/** What the relay counts with when the upstream reports no usage. */
export interface StreamFallback {
  prompt: PromptSize;
  tokenizerMaxChars: number;
}

/** Watches a stream as it is relayed. */
export interface StreamTap {
  /** The chunks of one step, before the door's encoder sees them. */
  chunks(chunks: readonly ChatCompletionChunk[]): void;
  /** The stream finished without error, with this settled usage; awaited before the door's closing events go out. */
  finished(usage: Usage): Promise<void>;
}

/** Sends the stream; resolves when the response has ended (or the client has gone). */
export async function relayStream(
  lifecycle: RequestLifecycle,
  reply: FastifyReply,
  result: StreamResult,
  encoder: ChatStreamEncoder,
  fallback: StreamFallback,
  tap?: StreamTap,
): Promise<void> {
  const pricing = result.candidate.model.pricing;
  const delivered = new BoundedTokenCounter(fallback.tokenizerMaxChars);
  let reported: Usage | undefined;
  const settle = (): SettledUsage =>
    settleUsage(reported, { promptTokens: () => fallback.prompt.counted(), outputTokens: () => delivered.total() }, pricing);
  const res = writeHead(reply);
  let settled: SettledUsage | undefined;
  try {
    for await (const step of result.steps) {
      if (step.usage !== undefined) reported = step.usage;
      if (reported === undefined) for (const chunk of step.chunks) collectOutput(chunk, delivered);
      if (step.chunks.length > 0) {
        tap?.chunks(step.chunks);
        lifecycle.trace?.streamed(step.chunks);
      }
      const hasEvents = step.chunks.length > 0 || step.native !== undefined;
      if (hasEvents && !(await writeSseEvents(res, encoder.step(step.chunks, step.native)))) {
        lifecycle.streamFailed(clientGone());
        return;
      }
      if (step.error !== undefined) {
        reply.log.warn({ requestId: reply.request.id, code: step.error.code }, 'stream failed after the first byte');
        lifecycle.streamFailed(step.error);
        // An event the gateway refused to relay (over the size cap) was still generated and billed.
        if (step.error.unrelayedOutputTokens !== undefined) delivered.addTokens(step.error.unrelayedOutputTokens);
        endSseEvents(res, encoder.error(step.error));
        return;
      }
    }
    settled = settle();
    lifecycle.charge(settled);
    await tap?.finished(settled.usage);
    endSseEvents(res, await encoder.end(settled.usage));
  } finally {
    // Ended early (client gone, upstream failure): charge what the provider reported, else what was delivered.
    if (settled === undefined && (reported !== undefined || !delivered.empty)) lifecycle.charge(settle());
  }
}

/** The error a client that hung up mid-stream is recorded with. */
export function clientGone(): GatewayError {
  return new GatewayError(499, 'client_closed_request', 'The client closed the request.', { retryable: false });
}

/** Commits to a 200 SSE response, keeping the headers already set on the reply. */
export function writeHead(reply: FastifyReply): FastifyReply['raw'] {
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  return res;
}

/** Output text of a chunk (content, reasoning, refusal, tool arguments), kept only until the upstream's usage arrives. */
function collectOutput(chunk: ChatCompletionChunk, into: BoundedTokenCounter): void {
  for (const choice of chunk.choices) {
    const { delta } = choice;
    if (delta.content) into.add(delta.content);
    if (delta.reasoning_content) into.add(delta.reasoning_content);
    if (delta.refusal) into.add(delta.refusal);
    for (const call of delta.tool_calls ?? []) {
      if (call.function?.name) into.add(call.function.name);
      if (call.function?.arguments) into.add(call.function.arguments);
    }
  }
}
