/**
 * @module The attempt loop: for each candidate deployment in order, translate the request with its adapter, call
 * the upstream, translate the answer back. A retryable failure before anything reached the client moves on to the
 * next candidate; the first success (or first non-retryable failure) ends the loop. Only failures the upstream
 * caused (`GatewayError.upstream`) are reported to routing health: the gateway's own — a body it could not encode,
 * an answer it refuses to relay, a bug — answer the client and touch nothing shared.
 *
 * With tracing on, each attempt is a span under the request's ({@link AttemptTracer}), and every upstream request of
 * the attempt carries that span's W3C `traceparent`.
 */
import { performance } from 'node:perf_hooks';
import type { ChatCompletionRequest, NativeBody } from '../core/chat-request.js';
import type { EmbeddingRequest } from '../core/embedding-request.js';
import type { UpstreamCompletion } from '../core/chat-response.js';
import { GatewayError } from '../core/gateway-error.js';
import {
  adapterFor,
  malformedUpstream,
  parseJsonSafe,
  type ProviderAdapter,
  type SseEvent,
  type StreamStep,
  type StreamTranslator,
  type TranslateContext,
} from '../providers/index.js';
import { targetOf, type Candidate, type AttemptOutcome } from '../routing/index.js';
import type { AttemptSpan, AttemptTracer } from '../telemetry/index.js';
import { mergeChoiceStreams, mergeCompletions } from './choice-fan-out.js';
import { countingCandidates, countTokensOn, type TokenCountResult } from './count-tokens.js';
import { embedOn, type EmbeddingResult } from './embed.js';
import type { ImageBounds } from './image-bounds.js';
import type { ImageFetcher } from './image-fetch.js';
import { hasRemoteImages, inlineRemoteImages } from './inline-images.js';
import { withoutCredential } from './redact-credential.js';
import { readSseBatches } from './sse-reader.js';
import { assertEventStream, MAX_UPSTREAM_BODY_BYTES, readBodyText, readErrorText } from './upstream-body.js';
import { toNetworkError, type UpstreamClient, type UpstreamResponse } from './upstream-client.js';
import type { CancelSignal } from './cancellation.js';

export type { AttemptOutcome } from '../routing/index.js';
export type { TokenCountResult } from './count-tokens.js';

export interface GatewayDeps {
  client: UpstreamClient;
  /** Milliseconds since the epoch, for `created`. Durations are timed with `performance.now()`. */
  now: () => number;
  /** A fresh completion id (`chatcmpl-…`). */
  generateId: () => string;
  /** Downloads remote images for adapters that need them inline. */
  images: ImageFetcher;
  /**
   * The longest an upstream stream may go without an event while it keeps sending comments (keep-alive pings),
   * in ms; unbounded when omitted. Silence itself is the upstream client's idle timeout.
   */
  eventGapMs?: number;
  /** Told what each attempt did (routing health, circuit breakers). Client aborts and the gateway's own failures are not reported. */
  onOutcome?: (candidate: Candidate, outcome: AttemptOutcome) => void;
}

/** The outcome every call reports, success or failure, for headers, metering and routing health. */
export interface AttemptInfo {
  candidate: Candidate;
  /** How many deployments were tried, this one included. */
  attempts: number;
  /** Milliseconds spent in attempts (upstream calls, answers read up to the first chunk for streams). */
  upstreamMs: number;
}

/**
 * An attempt that failed after the provider generated output the client never received (an answer over the size
 * cap): the provider bills it, so the tenant pays for `unrelayedOutputTokens` of the deployment in `attempt`.
 */
export class UnrelayedAnswer extends GatewayError {
  readonly attempt: AttemptInfo;
  readonly outputTokens: number;

  constructor(error: GatewayError, outputTokens: number, attempt: AttemptInfo) {
    super(error.status, error.code, error.message, { param: error.param, retryable: false, type: error.type, cause: error });
    this.attempt = attempt;
    this.outputTokens = outputTokens;
  }
}

export interface CompletionResult extends AttemptInfo {
  /** The answer as translated; `usage` undefined when the upstream reported none (settling counts it then). */
  completion: UpstreamCompletion;
}

export interface StreamResult extends AttemptInfo {
  /** The translated stream, starting with the step(s) already read to commit to this deployment. */
  steps: AsyncGenerator<StreamStep>;
}

/** One upstream call of an attempt: the request, the deployment, the answer's identity, the abort and the span. */
interface UpstreamCall {
  readonly variants: RequestVariants;
  readonly candidate: Candidate;
  readonly ctx: TranslateContext;
  readonly signal: CancelSignal;
  readonly span: AttemptSpan | undefined;
}

export class Gateway {
  constructor(private readonly deps: GatewayDeps) {}

  /** The per-request image bounds, for the route to check the URL count before admission. */
  get imageBounds(): ImageBounds {
    return this.deps.images.bounds;
  }

  /** Non-streaming completion over `candidates`, failing over on retryable errors; `trace` gets a span per attempt. */
  complete(req: ChatCompletionRequest, candidates: readonly Candidate[], signal: CancelSignal, trace?: AttemptTracer): Promise<CompletionResult> {
    const variants = new RequestVariants(req, this.deps.images);
    return this.attempt(candidates, signal, trace, async (candidate, ctx, span) => ({
      completion: await this.completeChoices({ variants, candidate, ctx, signal, span }),
    }));
  }

  /**
   * Streaming completion. Resolves once the chosen upstream has produced its first chunk, so errors that arrive
   * before any byte reaches the client (HTTP errors, in-band errors in the first events) can still fail over.
   */
  stream(req: ChatCompletionRequest, candidates: readonly Candidate[], signal: CancelSignal, trace?: AttemptTracer): Promise<StreamResult> {
    const variants = new RequestVariants(req, this.deps.images);
    return this.attempt(candidates, signal, trace, async (candidate, ctx, span) => ({
      steps: await this.openChoiceStreams({ variants, candidate, ctx, signal, span }),
    }));
  }

  /** Embeddings over `candidates` (deployments of one embedding model), failing over on retryable errors; see `embed.ts`. */
  embed(req: EmbeddingRequest, candidates: readonly Candidate[], signal: CancelSignal, trace?: AttemptTracer): Promise<EmbeddingResult> {
    return this.attempt(candidates, signal, trace, (candidate, _ctx, span) => embedOn(this.deps, req, candidate, signal, span?.headers));
  }

  /**
   * The upstream's count of a native body's prompt tokens (Anthropic's `count_tokens`), on the candidates that speak
   * the body's format, failing over on retryable errors; see `count-tokens.ts`. None of them: a 503.
   */
  countTokens(native: NativeBody, candidates: readonly Candidate[], signal: CancelSignal, trace?: AttemptTracer): Promise<TokenCountResult> {
    return this.attempt(countingCandidates(native, candidates), signal, trace, (candidate, _ctx, span) =>
      countTokensOn(this.deps, native, candidate, signal, span?.headers),
    );
  }

  private async attempt<T>(
    candidates: readonly Candidate[],
    signal: CancelSignal,
    trace: AttemptTracer | undefined,
    run: (candidate: Candidate, ctx: TranslateContext, span: AttemptSpan | undefined) => Promise<T>,
  ): Promise<T & AttemptInfo> {
    const failures: string[] = [];
    let lastError: GatewayError | undefined;
    let upstreamMs = 0;
    for (const [index, candidate] of candidates.entries()) {
      const ctx: TranslateContext = {
        model: candidate.model.id,
        id: this.deps.generateId(),
        created: Math.floor(this.deps.now() / 1000),
      };
      const attemptStarted = performance.now();
      const span = trace?.startAttempt({
        provider: candidate.deployment.provider,
        upstreamModel: candidate.deployment.model,
        baseUrl: candidate.providerConfig.baseUrl,
        byok: candidate.byok === true,
      });
      try {
        const result = await run(candidate, ctx, span);
        upstreamMs += performance.now() - attemptStarted;
        span?.succeeded();
        return { ...result, candidate, attempts: index + 1, upstreamMs };
      } catch (error) {
        upstreamMs += performance.now() - attemptStarted;
        const gatewayError = withoutCredential(toNetworkError(error, signal), candidate.providerConfig.apiKey);
        span?.failed(gatewayError);
        if (!signal.aborted && gatewayError.upstream) this.report(candidate, { ok: false, retryable: gatewayError.retryable });
        if (gatewayError.unrelayedOutputTokens !== undefined) {
          throw new UnrelayedAnswer(gatewayError, gatewayError.unrelayedOutputTokens, { candidate, attempts: index + 1, upstreamMs });
        }
        if (!gatewayError.retryable || signal.aborted) throw gatewayError;
        lastError = gatewayError;
        failures.push(`${candidate.deployment.provider}/${candidate.deployment.model}: ${gatewayError.message}`);
      }
    }
    if (lastError === undefined) throw new GatewayError(503, 'provider_unavailable', 'No deployment to try.');
    if (failures.length === 1) throw lastError;
    throw new GatewayError(503, 'provider_unavailable', `Every deployment failed. Tried: ${failures.join('; ')}`);
  }

  /** One upstream call, or `n` parallel single-choice calls merged when the adapter has no native `n`. */
  private async completeChoices(call: UpstreamCall): Promise<UpstreamCompletion> {
    const fanOut = upstreamCallsFor(call.variants.original, call.candidate);
    if (fanOut === 1) return this.completeOnce(call);
    const single = { ...call, variants: call.variants.withOneChoice() };
    return mergeCompletions(await Promise.all(Array.from({ length: fanOut }, () => this.completeOnce(single))));
  }

  /** Like {@link completeChoices} for streams: every sub-stream must open before the merged one is returned. */
  private async openChoiceStreams(call: UpstreamCall): Promise<AsyncGenerator<StreamStep>> {
    const fanOut = upstreamCallsFor(call.variants.original, call.candidate);
    if (fanOut === 1) return this.openStream(call);
    const single = { ...call, variants: call.variants.withOneChoice() };
    const opened = await Promise.allSettled(Array.from({ length: fanOut }, () => this.openStream(single)));
    const streams = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failure = opened.find((o) => o.status === 'rejected');
    if (failure !== undefined) {
      for (const stream of streams) void stream.return(undefined);
      throw failure.reason;
    }
    return mergeChoiceStreams(streams);
  }

  private async completeOnce({ variants, candidate, ctx, signal, span }: UpstreamCall): Promise<UpstreamCompletion> {
    const adapter = adapterFor(candidate.providerConfig.format);
    const { request } = adapter.toUpstream(await variants.forAdapter(adapter), targetOf(candidate), false);
    const started = performance.now();
    const response = await this.deps.client.send(candidate.providerConfig.baseUrl, request, signal, span?.headers);
    if (response.status >= 300) throw adapter.toGatewayError(response.status, response.headers, await readErrorText(response, signal));
    const body = parseJsonSafe(await readBodyText(response, signal));
    if (body === undefined) throw malformedUpstream('response');
    const completion = adapter.fromUpstream(body, ctx);
    const elapsed = performance.now() - started;
    this.report(candidate, { ok: true, ttftMs: undefined, totalMs: elapsed, outputTokens: completion.usage?.completion_tokens ?? 0 });
    return completion;
  }

  private report(candidate: Candidate, outcome: AttemptOutcome): void {
    this.deps.onOutcome?.(candidate, outcome);
  }

  private async openStream({ variants, candidate, ctx, signal, span }: UpstreamCall): Promise<AsyncGenerator<StreamStep>> {
    const adapter = adapterFor(candidate.providerConfig.format);
    const { request } = adapter.toUpstream(await variants.forAdapter(adapter), targetOf(candidate), true);
    const started = performance.now();
    const response = await this.deps.client.send(candidate.providerConfig.baseUrl, request, signal, span?.headers);
    if (response.status >= 300) {
      throw adapter.toGatewayError(response.status, response.headers, await readErrorText(response, signal));
    }
    assertEventStream(response);
    const batches = readSseBatches(response.body, { maxEventBytes: MAX_UPSTREAM_BODY_BYTES, maxEventGapMs: this.deps.eventGapMs });
    const head = await readUntilFirstChunk(adapter, ctx, batches, response, signal);
    const headAt = performance.now();
    // The attempt's span lasts as long as the stream: it ends with it, failed when the stream failed upstream.
    const closeSpan = span?.streamOpened();
    // The time to first token is to the first chunk with output, not to the role chunk many upstreams send at once:
    // folding that wait into the output rate would misjudge a slow-to-start but fast-streaming deployment.
    let firstOutputAt = head.steps.some(carriesOutput) ? headAt : undefined;
    const onStep = (step: StreamStep): void => {
      if (firstOutputAt === undefined && carriesOutput(step)) firstOutputAt = performance.now();
    };
    const finish = (outcome: StreamEnd): void => {
      closeSpan?.(outcome.kind === 'failed' ? { code: outcome.code } : undefined);
      if (outcome.kind === 'done') {
        const ttftMs = (firstOutputAt ?? headAt) - started;
        this.report(candidate, { ok: true, ttftMs, totalMs: performance.now() - started, outputTokens: outcome.outputTokens });
      } else if (outcome.kind === 'failed' && outcome.upstream) {
        this.report(candidate, { ok: false, retryable: outcome.retryable });
      }
    };
    const redact = (error: GatewayError): GatewayError => withoutCredential(error, candidate.providerConfig.apiKey);
    return continueStream(head.translator, head.steps, batches, response, signal, { onStep, finish, redact });
  }
}

/** How many upstream calls one answer takes, all at once: `n` for adapters without native choices, else 1. */
export function upstreamCallsFor(req: ChatCompletionRequest, candidate: Candidate): number {
  const n = req.n ?? 1;
  return n > 1 && adapterFor(candidate.providerConfig.format).fanOutChoices === true ? n : 1;
}

/** The request as each adapter needs it; remote images are downloaded at most once per request. */
class RequestVariants {
  private inlined: Promise<ChatCompletionRequest> | undefined;

  constructor(
    readonly original: ChatCompletionRequest,
    private readonly images: ImageFetcher,
  ) {}

  /** The same request asking for one choice (for fan-out). */
  withOneChoice(): RequestVariants {
    return new RequestVariants({ ...this.original, n: 1 }, this.images);
  }

  forAdapter(adapter: ProviderAdapter): Promise<ChatCompletionRequest> | ChatCompletionRequest {
    if (adapter.inlineRemoteImages !== true || !hasRemoteImages(this.original)) return this.original;
    this.inlined ??= inlineRemoteImages(this.original, this.images);
    return this.inlined;
  }
}

/**
 * Translates a batch of events into steps. The chunks of consecutive events are merged into one step (one write to
 * the client for a read that carried many events), keeping the latest usage; an event that comes back with its
 * `native` form gets a step of its own, so a door relaying the upstream's stream natively sees every event. The
 * first error ends the batch (the events after it are not read; the error ends the stream).
 */
function translateBatch(translator: StreamTranslator, events: readonly SseEvent[]): StreamStep[] {
  const steps: StreamStep[] = [];
  let merged: StreamStep | undefined;
  for (const event of events) {
    const step = translator.push(event);
    if (step.native !== undefined) {
      steps.push(step);
      merged = undefined;
    } else {
      if (merged === undefined) {
        merged = { chunks: [] };
        steps.push(merged);
      }
      for (const chunk of step.chunks) merged.chunks.push(chunk);
      if (step.usage !== undefined) merged.usage = step.usage;
      if (step.error !== undefined) merged.error = step.error;
    }
    if (step.error !== undefined) break;
  }
  return steps;
}

/**
 * Reads batches of events until one yields chunks. An error (or the end) before any chunk throws, so the caller can
 * fail over; an error after a chunk of the same batch is kept for the client, after that chunk.
 */
async function readUntilFirstChunk(
  adapter: ProviderAdapter,
  ctx: TranslateContext,
  batches: AsyncGenerator<SseEvent[]>,
  response: UpstreamResponse,
  signal: CancelSignal,
): Promise<{ translator: StreamTranslator; steps: StreamStep[] }> {
  const translator = adapter.createStreamTranslator(ctx);
  const steps: StreamStep[] = [];
  let chunked = false;
  try {
    for (;;) {
      const next = await batches.next();
      for (const step of next.done === true ? [translator.end()] : translateBatch(translator, next.value)) {
        chunked ||= step.chunks.length > 0;
        if (step.error !== undefined && !chunked) throw step.error;
        steps.push(step);
      }
      if (chunked || next.done === true) return { translator, steps };
    }
  } catch (error) {
    response.body.destroy();
    throw toNetworkError(error, signal);
  }
}

/** How a stream ended, for the attempt's outcome: finished, failed upstream, or abandoned by the client. */
type StreamEnd =
  | { kind: 'done'; outputTokens: number }
  | { kind: 'failed'; retryable: boolean; upstream: boolean; code: string }
  | { kind: 'abandoned' };

/** Whether a step carries model output (text, reasoning, a tool call or a refusal) rather than only a role or a finish. */
function carriesOutput(step: StreamStep): boolean {
  return step.chunks.some((chunk) =>
    chunk.choices.some(({ delta }) => !!delta.content || !!delta.reasoning_content || !!delta.refusal || (delta.tool_calls?.length ?? 0) > 0),
  );
}

/** Callbacks of {@link continueStream}: each translated step after the head, and how the stream ended. */
interface StreamObserver {
  onStep: (step: StreamStep) => void;
  finish: (end: StreamEnd) => void;
  /** Cleans an error before it reaches the client (see {@link withoutCredential}). */
  redact: (error: GatewayError) => GatewayError;
}

/** Replays the head steps, then translates the rest a batch at a time; a failure mid-stream becomes a final error step. */
async function* continueStream(
  translator: StreamTranslator,
  head: StreamStep[],
  batches: AsyncGenerator<SseEvent[]>,
  response: UpstreamResponse,
  signal: CancelSignal,
  { onStep, finish, redact }: StreamObserver,
): AsyncGenerator<StreamStep> {
  let end: StreamEnd = { kind: 'abandoned' };
  let outputTokens = 0;
  const track = (step: StreamStep): StreamStep => {
    if (step.usage !== undefined) outputTokens = step.usage.completion_tokens;
    if (step.error === undefined) return step;
    end = signal.aborted
      ? { kind: 'abandoned' }
      : { kind: 'failed', retryable: step.error.retryable, upstream: step.error.upstream, code: step.error.code };
    return { ...step, error: redact(step.error) };
  };
  try {
    for (const step of head) {
      yield track(step);
      if (step.error !== undefined) return;
    }
    for (;;) {
      let next: IteratorResult<SseEvent[]>;
      try {
        next = await batches.next();
      } catch (error) {
        yield track({ chunks: [], error: toNetworkError(error, signal) });
        return;
      }
      if (next.done === true) {
        const step = track(translator.end());
        onStep(step);
        if (step.error === undefined) end = { kind: 'done', outputTokens };
        yield step;
        return;
      }
      for (const translated of translateBatch(translator, next.value)) {
        const step = track(translated);
        onStep(step);
        yield step;
        if (step.error !== undefined) return;
      }
    }
  } finally {
    response.body.destroy();
    finish(end);
  }
}
