/**
 * @module `POST /v1/chat/completions`: the request pipeline of DESIGN §1 wired to HTTP — route, admit, dispatch,
 * respond, settle. Business rules live in routing/, limits/, gateway/ and metering/; this file only orders them.
 * Every authenticated request writes one ledger row: those that reach the handler (schema violations included)
 * when they settle their ticket, bodies refused before it (malformed JSON, too large) from the route's onError hook —
 * except refused requests past `refusedRows`' per-key budget, which only the metrics count. A request refused for
 * its input (400, 404, 413, 415) counts one request against the key's rpm (see `Admission.countRefused`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from '../../core/chat-request.js';
import type { Usage } from '../../core/chat-response.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import { Cancellation } from '../../gateway/cancellation.js';
import { UnrelayedAnswer, type AttemptInfo, type Gateway } from '../../gateway/gateway.js';
import { assertImageUrlBound } from '../../gateway/image-bounds.js';
import { AdmissionError, type Admission, type Ticket } from '../../limits/index.js';
import type { UsageLedger } from '../../metering/ledger.js';
import { withCost } from '../../metering/pricing.js';
import type { RefusedRowBudget } from '../../metering/refused-row-budget.js';
import { measurePrompt } from '../../metering/token-count.js';
import { refuseUnpricedParameters } from '../../metering/unpriced-parameters.js';
import { createUsageRecord } from '../../metering/usage-record.js';
import type { Candidate } from '../../routing/catalog.js';
import type { Router } from '../../routing/router.js';
import { admissionInput } from '../chat/admission-input.js';
import { sendStream } from '../chat/stream-response.js';
import type { GatewayMetrics } from '../metrics.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';
import { toGatewayError } from '../error-handler.js';
import { schemaIssuesToError, type SchemaIssue } from '../validation.js';

/** The account's own provider keys (BYOK), from memory. */
export interface ProviderKeyLookup {
  keysForAccount(accountId: string): ReadonlyMap<string, string>;
}

export interface ChatRouteDeps {
  router: Router;
  admission: Admission;
  gateway: Gateway;
  ledger: UsageLedger;
  metrics: GatewayMetrics;
  providerKeys?: ProviderKeyLookup;
  /** Milliseconds since the epoch: the request's arrival in the ledger. Durations are timed with `performance.now()`. */
  now: () => number;
  /** Characters of a request the tokenizer may count (`requests.tokenizerMaxChars`). */
  tokenizerMaxChars: number;
  /** Ledger rows refused requests may write, per key. */
  refusedRows: RefusedRowBudget;
}

/** What one request did, for settling, metrics and the ledger row. */
interface Outcome {
  status: number;
  errorCode: string | null;
  usage: Usage | undefined;
  attempt: AttemptInfo | undefined;
  ttftMs: number | null;
  /** Admission let it through: it is a request that ran, not a refusal, whatever its status. */
  admitted: boolean;
}

/** Registers the chat completions route. */
export function registerChatCompletions(app: FastifyInstance, deps: ChatRouteDeps): void {
  /** Requests the handler ran for: it writes their ledger rows itself. */
  const handled = new WeakSet<FastifyRequest>();
  /**
   * A body refused before the handler runs (malformed JSON, too large, an unsupported content type) still gets its
   * ledger row when the key was valid, so the dashboard's request log shows every request the account made. A
   * client that hung up before its body was complete made no request: no row.
   */
  const recordRefusedBody = async (request: FastifyRequest, reply: FastifyReply, error: Error): Promise<void> => {
    if (request.apiKey === null || handled.has(request) || request.raw.readableAborted) return;
    const key = request.apiKey as KeyRecord;
    const refused = toGatewayError(error);
    const outcome: Outcome = { status: refused?.status ?? 500, errorCode: refused?.code ?? 'internal_error', usage: undefined, attempt: undefined, ttftMs: null, admitted: false };
    const started = performance.now() - reply.elapsedTime;
    record(deps, request, key, outcome, deps.now() - reply.elapsedTime, started);
    // The answer is already decided (the body never parsed), so a full rpm window cannot turn it into a 429 here;
    // the request still counts, so the key's next requests meet the limit.
    if (refused !== undefined && countsAsRequest(refused)) await deps.admission.countRefused(key).catch(() => undefined);
  };
  const options = { schema: { body: ChatCompletionRequestSchema }, attachValidation: true, onError: recordRefusedBody };
  app.post('/v1/chat/completions', options, async (request, reply) => {
    handled.add(request);
    const key = request.apiKey as KeyRecord;
    const startedAtMs = deps.now();
    const started = performance.now();
    const outcome: Outcome = { status: 200, errorCode: null, usage: undefined, attempt: undefined, ttftMs: null, admitted: false };
    let ticket: Ticket | undefined;
    let promptTokens = 0;
    try {
      if (request.validationError !== undefined) throw schemaIssuesToError(request.validationError.validation as SchemaIssue[]);
      const body = request.body as ChatCompletionRequest;
      checkSampling(body);
      refuseUnpricedParameters(body);
      assertImageUrlBound(body, deps.gateway.imageBounds);
      const prompt = measurePrompt(body, deps.tokenizerMaxChars);
      const providerKeys = deps.providerKeys?.keysForAccount(key.accountId);
      const decision = deps.router.route(body, key.defaultRouting ?? undefined, { prompt, providerKeys });
      reply.header('x-op-routing', decision.mode);
      promptTokens = decision.requirements?.promptTokens ?? prompt.estimate;
      ticket = await deps.admission.admit(admissionInput(key, body, { tokens: promptTokens, size: prompt }, decision.candidates));
      outcome.admitted = true;
      setRateLimitHeaders(reply, ticket.headers());
      const cancellation = abortOnClientClose(reply);
      if (body.stream === true) {
        const result = await deps.gateway.stream(body, decision.candidates, cancellation);
        outcome.attempt = result;
        setRouteHeaders(reply, result, performance.now() - started);
        outcome.ttftMs = performance.now() - started;
        const includeUsage = body.stream_options?.include_usage === true;
        const streamed = await sendStream(request, reply, result, { includeUsage, prompt, tokenizerMaxChars: deps.tokenizerMaxChars });
        outcome.usage = streamed.usage;
        outcome.errorCode = streamed.errorCode;
        if (streamed.failedStatus !== null) outcome.status = streamed.failedStatus;
      } else {
        const result = await deps.gateway.complete(body, decision.candidates, cancellation);
        outcome.attempt = result;
        result.completion.usage = withCost(result.completion.usage, result.candidate.model.pricing);
        outcome.usage = result.completion.usage;
        setRouteHeaders(reply, result, performance.now() - started);
        await reply.send(result.completion);
      }
    } catch (error) {
      if (error instanceof UnrelayedAnswer) chargeUnrelayed(outcome, error, promptTokens);
      const answered = ticket === undefined ? await countRefusedInput(deps.admission, key, error, reply) : error;
      outcome.status = answered instanceof GatewayError ? answered.status : 500;
      outcome.errorCode = answered instanceof GatewayError ? answered.code : 'internal_error';
      throw answered;
    } finally {
      await settle(ticket, outcome.usage);
      record(deps, request, key, outcome, startedAtMs, started);
    }
    return reply;
  });
}

async function settle(ticket: Ticket | undefined, usage: Usage | undefined): Promise<void> {
  if (ticket === undefined) return;
  if (usage !== undefined) await ticket.settle({ totalTokens: usage.total_tokens, costUsd: usage.cost_usd ?? 0 });
  else await ticket.fail();
}

/**
 * What the provider generated but the gateway refused to relay (an answer over the size cap) is still the tenant's
 * to pay: the prompt as admission measured it, and the output counted from the bytes that arrived.
 */
function chargeUnrelayed(outcome: Outcome, failure: UnrelayedAnswer, promptTokens: number): void {
  outcome.attempt = failure.attempt;
  const usage = { prompt_tokens: promptTokens, completion_tokens: failure.outputTokens, total_tokens: promptTokens + failure.outputTokens };
  outcome.usage = withCost(usage, failure.attempt.candidate.model.pricing);
}

/** Answers refused for their input (bad JSON, schema, unknown model, too large, wrong type): each counts against rpm. */
function countsAsRequest(error: GatewayError): boolean {
  return error.status === 400 || error.status === 404 || error.status === 413 || error.status === 415;
}

/**
 * Counts a request refused before admission for its input against the key's rpm. Returns what to answer: the
 * refusal (with the rate-limit headers counting it), or the 429 when the key's rpm window was already full.
 */
async function countRefusedInput(admission: Admission, key: KeyRecord, error: unknown, reply: FastifyReply): Promise<unknown> {
  if (!(error instanceof GatewayError) || !countsAsRequest(error)) return error;
  try {
    setRateLimitHeaders(reply, await admission.countRefused(key));
    return error;
  } catch (limited) {
    return limited instanceof AdmissionError ? limited : error;
  }
}

/** Metrics and the ledger row; the body may be anything when validation failed. */
function record(deps: ChatRouteDeps, request: FastifyRequest, key: KeyRecord, outcome: Outcome, startedAtMs: number, started: number): void {
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
  const candidate: Candidate | undefined = outcome.attempt?.candidate;
  const latencyMs = performance.now() - started;
  const stream = body.stream === true;
  deps.metrics.request(candidate?.model.id ?? 'none', candidate?.deployment.provider ?? 'none', outcome.status, latencyMs - (outcome.attempt?.upstreamMs ?? 0), stream);
  // A refused request (bad input, or over a limit: never admitted) writes a row only within its key's budget, so a
  // flood of them cannot grow the ledger without bound; the rest are counted in /metrics.
  if (!outcome.admitted && !deps.refusedRows.take(key.keyId)) {
    deps.metrics.refusedRowDropped();
    return;
  }
  deps.ledger.record(
    createUsageRecord({
      requestId: request.id,
      accountId: key.accountId,
      keyId: key.keyId,
      requestedModel: typeof body.model === 'string' ? body.model.slice(0, 200) : '',
      routedModel: candidate?.model.id ?? null,
      provider: candidate?.deployment.provider ?? null,
      byok: candidate?.byok === true,
      promptTokens: outcome.usage?.prompt_tokens ?? 0,
      completionTokens: outcome.usage?.completion_tokens ?? 0,
      costUsd: outcome.usage?.cost_usd ?? 0,
      latencyMs,
      ttftMs: outcome.ttftMs,
      status: outcome.status,
      errorCode: outcome.errorCode,
      stream,
      startedAtMs,
    }),
  );
}

/** `x-op-*`: what answered, how many attempts, and the gateway's own time so far (excluding upstream time). */
function setRouteHeaders(reply: FastifyReply, result: AttemptInfo, elapsedMs: number): void {
  reply.header('x-op-model', result.candidate.model.id);
  reply.header('x-op-provider', result.candidate.deployment.provider);
  reply.header('x-op-attempts', String(result.attempts));
  reply.header('x-op-overhead-ms', Math.max(0, elapsedMs - result.upstreamMs).toFixed(3));
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
function abortOnClientClose(reply: FastifyReply): Cancellation {
  const cancellation = new Cancellation();
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableFinished) cancellation.cancel();
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return cancellation;
}
