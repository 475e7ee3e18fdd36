/**
 * @module `POST /v1/chat/completions`: the request pipeline of DESIGN §1 wired to HTTP — route, admit, dispatch,
 * respond, settle. Business rules live in routing/, limits/, gateway/ and metering/; this file only orders them.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import { ChatCompletionRequestSchema, requestedMaxTokens, type ChatCompletionRequest } from '../../core/chat-request.js';
import { emptyUsage, type ChatCompletionChunk, type Usage } from '../../core/chat-response.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import type { AttemptInfo, Gateway, StreamResult } from '../../gateway/gateway.js';
import { reservedOutputTokens, type Admission, type Ticket } from '../../limits/index.js';
import type { UsageLedger } from '../../metering/ledger.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';
import { costUsd, withCost } from '../../metering/pricing.js';
import { countPromptTokens } from '../../metering/token-count.js';
import { createUsageRecord } from '../../metering/usage-record.js';
import type { Candidate } from '../../routing/catalog.js';
import type { Router } from '../../routing/router.js';
import { writeSseData, writeSseDone } from '../sse.js';

export interface ChatRouteDeps {
  router: Router;
  admission: Admission;
  gateway: Gateway;
  ledger: UsageLedger;
  now: () => number;
}

/** What one request did, for the ledger row. */
interface Outcome {
  status: number;
  errorCode: string | null;
  usage: Usage | undefined;
  candidate: Candidate | undefined;
  ttftMs: number | null;
}

/** Registers the chat completions route. */
export function registerChatCompletions(app: FastifyInstance, deps: ChatRouteDeps): void {
  app.post('/v1/chat/completions', { schema: { body: ChatCompletionRequestSchema } }, async (request, reply) => {
    const body = request.body as ChatCompletionRequest;
    const key = request.apiKey as KeyRecord;
    const startedAtMs = deps.now();
    const outcome: Outcome = { status: 200, errorCode: null, usage: undefined, candidate: undefined, ttftMs: null };
    let ticket: Ticket | undefined;
    try {
      checkSampling(body);
      const promptTokens = countPromptTokens(body);
      const decision = deps.router.route(body, key.defaultRouting ?? undefined, { promptTokens });
      reply.header('x-op-routing', decision.mode);
      ticket = await admit(deps.admission, key, body, promptTokens, decision.candidates);
      setRateLimitHeaders(reply, ticket.headers());
      const abort = abortOnClientClose(reply);
      if (body.stream === true) {
        const result = await deps.gateway.stream(body, decision.candidates, abort.signal);
        setRouteHeaders(reply, result);
        outcome.candidate = result.candidate;
        outcome.ttftMs = deps.now() - startedAtMs;
        await sendStream(request, reply, body, result, outcome);
      } else {
        const result = await deps.gateway.complete(body, decision.candidates, abort.signal);
        setRouteHeaders(reply, result);
        outcome.candidate = result.candidate;
        result.completion.usage = withCost(result.completion.usage, result.candidate.model.pricing);
        outcome.usage = result.completion.usage;
        await reply.send(result.completion);
      }
    } catch (error) {
      outcome.status = error instanceof GatewayError ? error.status : 500;
      outcome.errorCode = error instanceof GatewayError ? error.code : 'internal_error';
      throw error;
    } finally {
      const cost = outcome.usage?.cost_usd ?? 0;
      if (ticket !== undefined) {
        if (outcome.usage !== undefined) await ticket.settle({ totalTokens: outcome.usage.total_tokens, costUsd: cost });
        else await ticket.fail();
      }
      deps.ledger.record(
        createUsageRecord({
          requestId: request.id,
          accountId: key.accountId,
          keyId: key.keyId,
          requestedModel: body.model,
          routedModel: outcome.candidate?.model.id ?? null,
          provider: outcome.candidate?.deployment.provider ?? null,
          byok: false,
          promptTokens: outcome.usage?.prompt_tokens ?? 0,
          completionTokens: outcome.usage?.completion_tokens ?? 0,
          costUsd: cost,
          latencyMs: deps.now() - startedAtMs,
          ttftMs: outcome.ttftMs,
          status: outcome.status,
          errorCode: outcome.errorCode,
          stream: body.stream === true,
          startedAtMs,
        }),
      );
    }
    return reply;
  });
}

/** Reserves the worst case over every candidate: prompt + bounded output at the dearest candidate's prices. */
function admit(admission: Admission, key: KeyRecord, body: ChatCompletionRequest, promptTokens: number, candidates: readonly Candidate[]): Promise<Ticket> {
  let maxOutputTokens = 0;
  let worstCaseCostUsd = 0;
  for (const { model } of candidates) {
    const output = reservedOutputTokens(requestedMaxTokens(body), model.max_output_tokens);
    maxOutputTokens = Math.max(maxOutputTokens, output);
    const cost = costUsd({ prompt_tokens: promptTokens, completion_tokens: output, total_tokens: promptTokens + output }, model.pricing);
    worstCaseCostUsd = Math.max(worstCaseCostUsd, cost);
  }
  return admission.admit({ key, promptTokens, maxOutputTokens, worstCaseCostUsd, byok: false });
}

function setRouteHeaders(reply: FastifyReply, result: AttemptInfo): void {
  reply.header('x-op-model', result.candidate.model.id);
  reply.header('x-op-provider', result.candidate.deployment.provider);
  reply.header('x-op-attempts', String(result.attempts));
}

/** OpenAI: "alter this or temperature but not both". Both given and neither at its default of 1 is refused. */
function checkSampling(body: ChatCompletionRequest): void {
  const { temperature, top_p: topP } = body;
  if (temperature !== undefined && temperature !== null && topP !== undefined && topP !== null && temperature !== 1 && topP !== 1) {
    throw invalidRequest('Set either `temperature` or `top_p`, not both.', 'top_p');
  }
}

/**
 * Aborts the upstream call when the client goes away before the response is complete. The client may already be
 * gone when this is called (it hung up while admission awaited its backend, a network round trip with Redis); then
 * `close` has fired already and waiting for it would hold the lease until the upstream finished on its own.
 */
function abortOnClientClose(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return controller;
}

/** Writes the SSE response: chunks as they come, then the usage chunk when asked, then `[DONE]`, then the end. */
async function sendStream(request: FastifyRequest, reply: FastifyReply, body: ChatCompletionRequest, result: StreamResult, outcome: Outcome): Promise<void> {
  const includeUsage = body.stream_options?.include_usage === true;
  const pricing = result.candidate.model.pricing;
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  let last: ChatCompletionChunk | undefined;
  for await (const step of result.steps) {
    if (step.usage !== undefined) outcome.usage = withCost(step.usage, pricing);
    for (const chunk of step.chunks) {
      if (includeUsage) chunk.usage = null;
      last = chunk;
      if (!(await writeSseData(res, chunk))) {
        outcome.errorCode = 'client_closed_request';
        return;
      }
    }
    if (step.error !== undefined) {
      request.log.warn({ requestId: request.id, code: step.error.code }, 'stream failed after the first byte');
      outcome.errorCode = step.error.code;
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
      usage: outcome.usage ?? withCost(emptyUsage(), pricing),
    };
    await writeSseData(res, usageChunk);
  }
  await writeSseDone(res);
  res.end();
}
