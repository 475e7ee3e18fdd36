/**
 * @module One request's passage through the pipeline, whatever door it came through: admission (with its
 * `X-RateLimit-*` headers), the client-disconnect abort, what answered (a deployment, or the response cache), and
 * the end — the ticket settled to what was used (or refunded), the metrics, and exactly one ledger row. Every path
 * (success, cache hit, upstream error, client abort, mid-stream failure, bad input) ends in
 * {@link RequestLifecycle.finish}. With tracing on, the request's span opens with the lifecycle and closes in
 * `finish` with what the ledger row says.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRecord } from '../auth/index.js';
import { CACHE_HEADER, type AnsweredBy } from '../cache/index.js';
import { GatewayError } from '../core/gateway-error.js';
import { Cancellation, UnrelayedAnswer, type AttemptInfo } from '../gateway/index.js';
import { AdmissionError, type Admission, type AdmitInput, type Ticket } from '../limits/index.js';
import {
  settleUnrelayed,
  createUsageRecord,
  type UsageLedger,
  type RefusedRowBudget,
  type RequestRecords,
  type SettledUsage,
} from '../metering/index.js';
import { setRateLimitHeaders } from '../server/rate-limit-headers.js';
import type { RequestSpan, Telemetry } from '../telemetry/index.js';
import type { UsageEndpoint } from './front-door.js';

/** The metrics the pipeline reports (the server's `GatewayMetrics`). */
export interface PipelineMetrics {
  request(model: string, provider: string, status: number, overheadMs: number, stream: boolean): void;
  refusedRowDropped(): void;
}

/** What every request's lifecycle needs. */
export interface LifecycleDeps {
  admission: Admission;
  ledger: UsageLedger;
  metrics: PipelineMetrics;
  /** Ledger rows refused requests may write, per key. */
  refusedRows: RefusedRowBudget;
  /** Milliseconds since the epoch: the request's arrival in the ledger. Durations use `performance.now()`. */
  now: () => number;
  /** Tracing; omitted when off (no span is made). */
  telemetry?: Telemetry | undefined;
  /** Told of each request while it finishes, so `GET /v1/requests/{id}` can wait for its row; omitted: not told. */
  requestRecords?: Pick<RequestRecords, 'track'> | undefined;
}

/** What the ledger row says about the request itself. */
export interface RequestFacts {
  endpoint: UsageEndpoint;
  requestedModel: string;
  stream: boolean;
}

/** What an answer replayed from the response cache bills: nothing (no tokens, no cost). */
const NOTHING_BILLED: SettledUsage = { usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0 }, estimated: false };

/** The header saying what a cache hit saved, in USD. */
export const CACHE_SAVED_HEADER = 'x-op-cache-saved-usd';

/**
 * Answers refused for their input (bad JSON, schema, unknown model, a model the key may not use, too large, wrong
 * type): each counts against rpm.
 */
export function countsAsRequest(error: GatewayError): boolean {
  return error.status === 400 || error.status === 403 || error.status === 404 || error.status === 413 || error.status === 415;
}

/** When a request started, on each of the two clocks it is timed with. */
export interface RequestStart {
  /** Wall clock, ms since the epoch (`deps.now()`): the time on its ledger row. */
  epochMs: number;
  /** Monotonic clock (`performance.now()`): what its latency is measured from. */
  monotonicMs: number;
}

/** One request, from arrival to its ledger row. */
export class RequestLifecycle {
  readonly key: KeyRecord;
  /** The request's span; undefined when tracing is off. */
  readonly trace: RequestSpan | undefined;
  readonly #deps: LifecycleDeps;
  readonly #request: FastifyRequest;
  readonly #reply: FastifyReply;
  readonly #start: RequestStart;
  readonly #facts: RequestFacts;
  #ticket: Ticket | undefined;
  #attempt: AttemptInfo | undefined;
  /** Set when the response cache answered: whose answer it replays, and what that answer cost when generated. */
  #cacheHit: (AnsweredBy & { savedUsd: number }) | undefined;
  #settled: SettledUsage | undefined;
  #status = 200;
  #errorCode: string | null = null;
  #ttftMs: number | null = null;
  /** The end user the request names; null when none. */
  #endUser: string | null = null;
  /** Prompt tokens as admission reserved them: what an unrelayed answer is charged for its prompt. */
  #promptTokens = 0;

  constructor(
    deps: LifecycleDeps,
    request: FastifyRequest,
    reply: FastifyReply,
    facts: RequestFacts,
    start: RequestStart = { epochMs: deps.now(), monotonicMs: performance.now() },
  ) {
    this.#deps = deps;
    this.#request = request;
    this.#reply = reply;
    this.key = request.apiKey as KeyRecord;
    this.#facts = facts;
    this.#start = start;
    this.trace = deps.telemetry?.startRequest(
      request.headers,
      { ...facts, requestId: request.id, accountId: this.key.accountId, keyId: this.key.keyId },
      // The request's arrival (before its body was read), as Fastify timed it.
      performance.now() - reply.elapsedTime,
    );
  }

  /** Milliseconds since the request arrived. */
  get elapsedMs(): number {
    return performance.now() - this.#start.monotonicMs;
  }

  /** Reserves what the request may use (429/402 `AdmissionError` otherwise) and sets the rate-limit headers. */
  async admit(input: AdmitInput): Promise<void> {
    this.#promptTokens = input.promptTokens;
    this.#ticket = await this.#deps.admission.admit(input);
    setRateLimitHeaders(this.#reply, this.#ticket.headers());
  }

  /**
   * Cancels the upstream call when the client goes away before the response is complete. The client may already be
   * gone (it hung up while admission awaited its backend, a network round trip with Redis); then `close` has fired
   * already and waiting for it would hold the lease until the upstream finished on its own.
   */
  cancellation(): Cancellation {
    const cancellation = new Cancellation();
    const res = this.#reply.raw;
    const onClose = (): void => {
      if (!res.writableFinished) cancellation.cancel();
    };
    if (res.destroyed) onClose();
    else res.once('close', onClose);
    return cancellation;
  }

  /** The deployment that answered: `x-op-*` headers (model, provider, attempts, the gateway's own time so far). */
  answeredBy(attempt: AttemptInfo): void {
    this.#attempt = attempt;
    const reply = this.#reply;
    reply.header('x-op-model', attempt.candidate.model.id);
    reply.header('x-op-provider', attempt.candidate.deployment.provider);
    reply.header('x-op-attempts', String(attempt.attempts));
    reply.header('x-op-overhead-ms', Math.max(0, this.elapsedMs - attempt.upstreamMs).toFixed(3));
  }

  /**
   * The response cache answers: no upstream call and nothing billed — the ticket settles to zero, returning the tokens
   * and spend admission held, while the request still counts against rpm. The `x-op-*` headers name the model and
   * provider whose answer is replayed, `x-op-cache: hit`, and `x-op-cache-saved-usd` what that answer cost; the
   * ledger row marks the hit and the saving.
   */
  servedFromCache(answered: AnsweredBy, savedUsd: number): void {
    this.#cacheHit = { model: answered.model, provider: answered.provider, byok: answered.byok, savedUsd };
    this.#settled = NOTHING_BILLED;
    const reply = this.#reply;
    reply.header(CACHE_HEADER, 'hit');
    reply.header(CACHE_SAVED_HEADER, formatUsd(savedUsd));
    reply.header('x-op-model', answered.model);
    reply.header('x-op-provider', answered.provider);
    reply.header('x-op-attempts', '0');
    reply.header('x-op-overhead-ms', this.elapsedMs.toFixed(3));
  }

  /** The end user the request names (`core/end-user.ts`), recorded in its ledger row. */
  attribute(endUser: string | undefined): void {
    this.#endUser = endUser ?? null;
  }

  /** The first byte of a streamed answer is going out now. */
  firstByte(): void {
    this.#ttftMs = this.elapsedMs;
  }

  /** What the request used and pays (the ledger's numbers, as the client was sent them). */
  charge(settled: SettledUsage): void {
    this.#settled = settled;
  }

  /** A stream that failed after its first byte: the client got 200, the ledger records the failure. */
  streamFailed(error: GatewayError): void {
    this.#errorCode = error.code;
    // A client that hung up is not a failed request: the stream was answered (200), then abandoned.
    if (error.code !== 'client_closed_request') this.#status = error.status;
  }

  /**
   * Turns a failure into what to answer: an answer the gateway refused to relay is charged; a request refused for its
   * input before admission counts against rpm (and becomes the 429 when the window was full). Rethrow the result.
   */
  async failed(error: unknown): Promise<unknown> {
    if (error instanceof UnrelayedAnswer) {
      this.#attempt = error.attempt;
      this.#settled = settleUnrelayed(this.#promptTokens, error.outputTokens, error.attempt.candidate.model.pricing);
    }
    const answered = this.#ticket === undefined ? await this.#countRefused(error) : error;
    this.#status = answered instanceof GatewayError ? answered.status : 500;
    this.#errorCode = answered instanceof GatewayError ? answered.code : 'internal_error';
    return answered;
  }

  /**
   * A body refused before any handler ran (malformed JSON, too large): the answer is decided already, so a full rpm
   * window cannot turn it into a 429 here; it still counts when `counts`, so the key's next requests meet the limit.
   */
  async failedBeforeParse(error: unknown, counts: boolean): Promise<void> {
    this.#status = error instanceof GatewayError ? error.status : 500;
    this.#errorCode = error instanceof GatewayError ? error.code : 'internal_error';
    if (counts) await this.#deps.admission.countRefused(this.key).catch(() => undefined);
  }

  /** Ends the request: settles or refunds the ticket, then the metrics and the ledger row. Call exactly once. */
  async finish(): Promise<void> {
    const done = this.#finish();
    this.#deps.requestRecords?.track(this.#request.id, done);
    await done;
  }

  async #finish(): Promise<void> {
    const ticket = this.#ticket;
    const usage = this.#settled?.usage;
    if (ticket !== undefined) {
      if (usage !== undefined) await ticket.settle({ totalTokens: usage.total_tokens, costUsd: usage.cost_usd ?? 0 });
      else await ticket.fail();
    }
    this.#record();
    this.trace?.end({
      status: this.#status,
      errorCode: this.#errorCode,
      responseModel: this.#attempt?.candidate.model.id ?? this.#cacheHit?.model ?? null,
      provider: this.#attempt?.candidate.deployment.provider ?? this.#cacheHit?.provider ?? null,
      usage: this.#settled?.usage,
      cacheHit: this.#cacheHit !== undefined,
      byok: this.#attempt?.candidate.byok === true,
    });
  }

  async #countRefused(error: unknown): Promise<unknown> {
    if (!(error instanceof GatewayError) || !countsAsRequest(error)) return error;
    try {
      setRateLimitHeaders(this.#reply, await this.#deps.admission.countRefused(this.key));
      return error;
    } catch (limited) {
      return limited instanceof AdmissionError ? limited : error;
    }
  }

  #record(): void {
    const deps = this.#deps;
    const candidate = this.#attempt?.candidate;
    const cached = this.#cacheHit;
    const model = candidate?.model.id ?? cached?.model ?? null;
    const provider = candidate?.deployment.provider ?? cached?.provider ?? null;
    const latencyMs = performance.now() - this.#start.monotonicMs;
    const { endpoint, requestedModel, stream } = this.#facts;
    deps.metrics.request(model ?? 'none', provider ?? 'none', this.#status, latencyMs - (this.#attempt?.upstreamMs ?? 0), stream);
    // A refused request (bad input, or over a limit: never admitted) writes a row only within its key's budget, so a
    // flood of them cannot grow the ledger without bound; the rest are counted in /metrics.
    if (this.#ticket === undefined && !deps.refusedRows.take(this.key.keyId)) {
      deps.metrics.refusedRowDropped();
      return;
    }
    const usage = this.#settled?.usage;
    deps.ledger.record(
      createUsageRecord({
        requestId: this.#request.id,
        accountId: this.key.accountId,
        keyId: this.key.keyId,
        endpoint,
        requestedModel: requestedModel.slice(0, 200),
        routedModel: model,
        provider,
        // A hit used no provider key, the account's own or ours.
        byok: candidate?.byok === true,
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        cacheReadTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        cacheWriteTokens: usage?.prompt_tokens_details?.cache_write_tokens ?? 0,
        costUsd: usage?.cost_usd ?? 0,
        estimated: this.#settled?.estimated ?? false,
        latencyMs,
        ttftMs: this.#ttftMs,
        status: this.#status,
        errorCode: this.#errorCode,
        stream,
        startedAtMs: this.#start.epochMs,
        responseCacheHit: cached !== undefined,
        responseCacheSavedUsd: cached?.savedUsd ?? 0,
        endUser: this.#endUser,
      }),
    );
  }
}

/** Dollars as a plain decimal (costs are kept to nine places), never in exponent notation: `0.000042`, `0`. */
function formatUsd(usd: number): string {
  return usd.toFixed(9).replace(/\.?0+$/, '');
}
