/**
 * @module One request as a SERVER span, named `{operation} {model}` (`chat gpt-5`): a child of the client's span when
 * the request carried a W3C `traceparent`, and the parent of every upstream attempt's span. It opens when the
 * pipeline takes the request and closes when the request is settled, carrying what the ledger row says (the model
 * and provider that answered, tokens, cost, status) in the GenAI conventions' names and ours.
 *
 * Prompts and completions are recorded only when `telemetry.captureContent` is on (see `content.ts`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../core/chat-response.js';
import type { UsageEndpoint } from '../store/index.js';
import { AttemptSpan, type AttemptTarget } from './attempt-span.js';
import {
  ERROR_TYPE,
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_CHOICE_COUNT,
  GEN_AI_REQUEST_MAX_TOKENS,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_SEED,
  GEN_AI_REQUEST_STREAM,
  GEN_AI_REQUEST_TEMPERATURE,
  GEN_AI_REQUEST_TOP_P,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  HTTP_RESPONSE_STATUS_CODE,
  OP_ACCOUNT_ID,
  OP_ATTEMPTS,
  OP_BYOK,
  OP_CACHE_HIT,
  OP_COST_USD,
  OP_ENDPOINT,
  OP_KEY_ID,
  OP_PROVIDER,
  OP_REQUEST_ID,
  OP_ROUTING_MODE,
  operationOf,
  providerNameOf,
} from './attributes.js';
import { inputMessagesOf, OutputCollector, outputMessagesOf } from './content.js';
import type { TraceTools } from './trace-tools.js';

/** What the request span knows from the start. */
export interface RequestStart {
  endpoint: UsageEndpoint;
  /** The model as the client asked for it (`auto`, a catalog id, an alias); empty when the body was refused unread. */
  requestedModel: string;
  stream: boolean;
  requestId: string;
  accountId: string;
  keyId: string;
}

/** How the request ended, as its ledger row records it. */
export interface RequestOutcome {
  /** The HTTP status the client got (200 for a stream that failed after its first byte). */
  status: number;
  /** The gateway's error code, for a failure (a stream's too); null on success. */
  errorCode: string | null;
  /** The catalog id that answered, or whose cached answer was replayed; null when nothing answered. */
  responseModel: string | null;
  /** The config's id of the answering provider. */
  provider: string | null;
  /** Billed usage, `cost_usd` included; undefined when nothing was billed. */
  usage: Usage | undefined;
  cacheHit: boolean;
  byok: boolean;
}

/** Starts attempt spans under a request (the gateway's view of {@link RequestSpan}). */
export interface AttemptTracer {
  startAttempt(target: AttemptTarget): AttemptSpan;
}

/** The span of one request through the pipeline. */
export class RequestSpan implements AttemptTracer {
  readonly #tools: TraceTools;
  readonly #span: Span;
  /** The context naming this span: the parent of attempts. */
  readonly #context: Context;
  #operation: string;
  readonly #requestedModel: string;
  #attempts = 0;
  /** Finish reasons by choice index. */
  readonly #finishReasons = new Map<number, string>();
  #responseId: string | undefined;
  /** The streamed output, kept only when content is captured. */
  #output: OutputCollector | undefined;

  constructor(tools: TraceTools, headers: IncomingHttpHeaders, start: RequestStart, startTime: number) {
    this.#tools = tools;
    this.#operation = operationOf(start.endpoint);
    this.#requestedModel = start.requestedModel;
    const parent = tools.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    this.#span = tools.tracer.startSpan(
      this.#name(),
      {
        kind: SpanKind.SERVER,
        startTime,
        attributes: {
          [GEN_AI_OPERATION_NAME]: this.#operation,
          ...(start.requestedModel === '' ? {} : { [GEN_AI_REQUEST_MODEL]: start.requestedModel }),
          [GEN_AI_REQUEST_STREAM]: start.stream,
          [OP_ENDPOINT]: start.endpoint,
          [OP_REQUEST_ID]: start.requestId,
          [OP_ACCOUNT_ID]: start.accountId,
          [OP_KEY_ID]: start.keyId,
        },
      },
      parent,
    );
    this.#context = trace.setSpan(parent, this.#span);
  }

  /** The request is another operation than its door's (Anthropic's `count_tokens` through the Messages door). */
  renameOperation(operation: string): void {
    this.#operation = operation;
    this.#span.updateName(this.#name());
    this.#span.setAttribute(GEN_AI_OPERATION_NAME, operation);
  }

  /** How the router ranked the deployments (`x-op-routing`). */
  routed(mode: string): void {
    this.#span.setAttribute(OP_ROUTING_MODE, mode);
  }

  /** The request's sampling parameters (and, when captured, its messages). */
  requested(body: ChatCompletionRequest): void {
    const span = this.#span;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (maxTokens !== undefined && maxTokens !== null) span.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens);
    if (body.temperature !== undefined && body.temperature !== null) span.setAttribute(GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    if (body.top_p !== undefined && body.top_p !== null) span.setAttribute(GEN_AI_REQUEST_TOP_P, body.top_p);
    if (body.seed !== undefined && body.seed !== null) span.setAttribute(GEN_AI_REQUEST_SEED, body.seed);
    if (body.n !== undefined && body.n !== null && body.n !== 1) span.setAttribute(GEN_AI_REQUEST_CHOICE_COUNT, body.n);
    if (!this.#tools.captureContent) return;
    span.setAttribute(GEN_AI_INPUT_MESSAGES, inputMessagesOf(body.messages));
    if (body.stream === true) this.#output = new OutputCollector();
  }

  /** A complete (non-streamed) answer: its id, finish reasons and, when captured, its messages. */
  completed(completion: ChatCompletion): void {
    this.#responseId = completion.id;
    for (const choice of completion.choices) this.#finishReasons.set(choice.index, choice.finish_reason);
    if (this.#tools.captureContent) this.#span.setAttribute(GEN_AI_OUTPUT_MESSAGES, outputMessagesOf(completion.choices));
  }

  /** Chunks of a streamed answer as they are relayed. */
  streamed(chunks: readonly ChatCompletionChunk[]): void {
    for (const chunk of chunks) {
      this.#responseId ??= chunk.id;
      for (const choice of chunk.choices) {
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.#finishReasons.set(choice.index, choice.finish_reason);
      }
      this.#output?.add(chunk);
    }
  }

  /** Opens the span of the next upstream attempt, a child of this one. */
  startAttempt(target: AttemptTarget): AttemptSpan {
    this.#attempts += 1;
    return new AttemptSpan(this.#tools, this.#context, this.#operation, target);
  }

  /** Closes the span with the request's outcome. Call once. */
  end(outcome: RequestOutcome): void {
    const span = this.#span;
    span.setAttribute(HTTP_RESPONSE_STATUS_CODE, outcome.status);
    span.setAttribute(OP_ATTEMPTS, this.#attempts);
    span.setAttribute(OP_CACHE_HIT, outcome.cacheHit);
    span.setAttribute(OP_BYOK, outcome.byok);
    if (outcome.responseModel !== null) span.setAttribute(GEN_AI_RESPONSE_MODEL, outcome.responseModel);
    if (outcome.provider !== null) {
      span.setAttribute(GEN_AI_PROVIDER_NAME, providerNameOf(outcome.provider));
      span.setAttribute(OP_PROVIDER, outcome.provider);
    }
    if (this.#responseId !== undefined) span.setAttribute(GEN_AI_RESPONSE_ID, this.#responseId);
    if (this.#finishReasons.size > 0) span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, byIndex(this.#finishReasons));
    if (this.#output !== undefined) span.setAttribute(GEN_AI_OUTPUT_MESSAGES, this.#output.messages(this.#finishReasons));
    const usage = outcome.usage;
    if (usage !== undefined) {
      span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, usage.prompt_tokens);
      span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, usage.completion_tokens);
      const details = usage.prompt_tokens_details;
      if (details?.cached_tokens) span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, details.cached_tokens);
      if (details?.cache_write_tokens) span.setAttribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, details.cache_write_tokens);
      span.setAttribute(OP_COST_USD, usage.cost_usd ?? 0);
    }
    if (outcome.errorCode !== null) span.setAttribute(ERROR_TYPE, outcome.errorCode);
    // A server span's 4xx is the client's doing, not an error of the service (the HTTP conventions' rule).
    if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  #name(): string {
    return this.#requestedModel === '' ? this.#operation : `${this.#operation} ${this.#requestedModel}`;
  }
}

/** The map's values in key order. */
function byIndex(reasons: ReadonlyMap<number, string>): string[] {
  return [...reasons.entries()].sort(([a], [b]) => a - b).map(([, reason]) => reason);
}
