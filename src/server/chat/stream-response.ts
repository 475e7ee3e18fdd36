/**
 * @module The SSE answer: chunks written as they arrive (with backpressure), the usage chunk when the client asked,
 * `[DONE]`, then the end of the response. A failure after the first byte ends the stream with an OpenAI-shaped
 * error event. When the stream ends without the upstream's usage (client gone, upstream cut), the output already
 * delivered is counted with the tokenizer — at most `tokenizerMaxChars` of it, the rest scaled — so the ledger still
 * charges what the provider will bill.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatCompletionChunk, Usage } from '../../core/chat-response.js';
import type { StreamResult } from '../../gateway/gateway.js';
import { withCost } from '../../metering/pricing.js';
import type { PromptSize } from '../../metering/token-count.js';
import { BoundedTokenCounter } from '../../metering/tokenizer.js';
import { endSse, writeSseData, writeSseDone } from '../sse.js';

/** What the stream did, for settling and the ledger. */
export interface StreamOutcome {
  usage: Usage | undefined;
  /** Set when the stream did not finish normally. */
  errorCode: string | null;
  /** The status of an upstream failure after the first byte (the client got 200); the ledger records the failure. */
  failedStatus: number | null;
}

/** Sends the stream; resolves when the response has ended (or the client has gone). */
export async function sendStream(
  request: FastifyRequest,
  reply: FastifyReply,
  result: StreamResult,
  options: { includeUsage: boolean; prompt: PromptSize; tokenizerMaxChars: number },
): Promise<StreamOutcome> {
  const pricing = result.candidate.model.pricing;
  const outcome: StreamOutcome = { usage: undefined, errorCode: null, failedStatus: null };
  const delivered = new BoundedTokenCounter(options.tokenizerMaxChars);
  const res = writeHead(reply);
  let last: ChatCompletionChunk | undefined;
  try {
    for await (const step of result.steps) {
      if (step.usage !== undefined) outcome.usage = withCost(step.usage, pricing);
      for (const chunk of step.chunks) {
        if (options.includeUsage) chunk.usage = null;
        if (outcome.usage === undefined) collectOutput(chunk, delivered);
        last = chunk;
      }
      if (step.chunks.length > 0 && !(await writeSseData(res, ...step.chunks))) {
        outcome.errorCode = 'client_closed_request';
        return outcome;
      }
      if (step.error !== undefined) {
        request.log.warn({ requestId: request.id, code: step.error.code }, 'stream failed after the first byte');
        outcome.errorCode = step.error.code;
        // A client that hung up is not a failed request: the stream was answered (200), then abandoned.
        if (step.error.code !== 'client_closed_request') outcome.failedStatus = step.error.status;
        // An event the gateway refused to relay (over the size cap) was still generated and billed.
        if (step.error.unrelayedOutputTokens !== undefined) delivered.addTokens(step.error.unrelayedOutputTokens);
        await writeSseData(res, step.error.toBody());
        endSse(res);
        return outcome;
      }
    }
    if (options.includeUsage && last !== undefined) {
      const usage = outcome.usage ?? withCost({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, pricing);
      await writeSseData(res, { id: last.id, object: 'chat.completion.chunk', created: last.created, model: last.model, choices: [], usage });
    }
    await writeSseDone(res);
    endSse(res);
    return outcome;
  } finally {
    if (outcome.usage === undefined && !delivered.empty) {
      const prompt = options.prompt.counted();
      const completion = delivered.total();
      outcome.usage = withCost({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }, pricing);
    }
  }
}

/** Commits to a 200 SSE response, keeping the headers already set on the reply. */
function writeHead(reply: FastifyReply): FastifyReply['raw'] {
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
