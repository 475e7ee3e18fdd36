/**
 * @module `POST /v1/chat/completions`: validate, pick the deployments, call the gateway, answer as JSON or SSE.
 * Business rules live in gateway/, routing/ and metering/; this file only wires them to HTTP.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from '../../core/chat-request.js';
import type { ChatCompletionChunk, Usage } from '../../core/chat-response.js';
import { emptyUsage } from '../../core/chat-response.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { Gateway, StreamResult } from '../../gateway/gateway.js';
import { withCost } from '../../metering/pricing.js';
import type { Catalog } from '../../routing/catalog.js';
import { writeSseData, writeSseDone } from '../sse.js';

export interface ChatRouteDeps {
  catalog: Catalog;
  gateway: Gateway;
}

/** Registers the chat completions route. */
export function registerChatCompletions(app: FastifyInstance, deps: ChatRouteDeps): void {
  app.post('/v1/chat/completions', { schema: { body: ChatCompletionRequestSchema } }, async (request, reply) => {
    const body = request.body as ChatCompletionRequest;
    checkSampling(body);
    const candidates = deps.catalog.candidatesFor(body.model);
    const abort = abortOnClientClose(reply);
    if (body.stream === true) {
      const result = await deps.gateway.stream(body, candidates, abort.signal);
      await sendStream(request, reply, body, result);
      return reply;
    }
    const result = await deps.gateway.complete(body, candidates, abort.signal);
    const completion = result.completion;
    completion.usage = withCost(completion.usage, result.candidate.model.pricing);
    return completion;
  });
}

/** OpenAI: "alter this or temperature but not both". Both given and neither at its default of 1 is refused. */
function checkSampling(body: ChatCompletionRequest): void {
  const { temperature, top_p: topP } = body;
  if (temperature !== undefined && temperature !== null && topP !== undefined && topP !== null && temperature !== 1 && topP !== 1) {
    throw invalidRequest('Set either `temperature` or `top_p`, not both.', 'top_p');
  }
}

/** Aborts the upstream call when the client goes away before the response is complete. */
function abortOnClientClose(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller;
}

/** Writes the SSE response: chunks as they come, then the usage chunk when asked, then `[DONE]`, then the end. */
async function sendStream(request: FastifyRequest, reply: FastifyReply, body: ChatCompletionRequest, result: StreamResult): Promise<void> {
  const includeUsage = body.stream_options?.include_usage === true;
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  let usage: Usage | undefined;
  let last: ChatCompletionChunk | undefined;
  for await (const step of result.steps) {
    if (step.usage !== undefined) usage = step.usage;
    for (const chunk of step.chunks) {
      if (includeUsage) chunk.usage = null;
      last = chunk;
      if (!(await writeSseData(res, chunk))) return;
    }
    if (step.error !== undefined) {
      request.log.warn({ requestId: request.id, code: step.error.code }, 'stream failed after the first byte');
      await writeSseData(res, step.error.toBody());
      res.end();
      return;
    }
  }
  if (includeUsage && last !== undefined) {
    const usageChunk: ChatCompletionChunk = {
      id: last.id,
      object: 'chat.completion.chunk',
      created: last.created,
      model: last.model,
      choices: [],
      usage: withCost(usage ?? emptyUsage(), result.candidate.model.pricing),
    };
    await writeSseData(res, usageChunk);
  }
  await writeSseDone(res);
  res.end();
}
