/**
 * @module One upstream attempt as a CLIENT span, a child of the request span: the deployment tried (provider, the
 * upstream's own model name, its host and port) and, when it failed, `error.type`. Its W3C `traceparent` is what the
 * upstream request carries, so a provider (or a proxy in front of it) that traces sees its call under this attempt.
 *
 * A non-streamed attempt ends when its answer has been read. A streamed one outlives the attempt loop: it ends when
 * its stream does (every sub-stream, when `n` choices are fanned out), so its duration is the whole generation.
 */
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  OP_BYOK,
  OP_PROVIDER,
  providerNameOf,
  SERVER_ADDRESS,
  SERVER_PORT,
} from './attributes.js';
import type { TraceTools } from './trace-tools.js';

/** The deployment an attempt calls. */
export interface AttemptTarget {
  /** The config's provider id. */
  provider: string;
  /** The provider's own model name (the deployment's `model`). */
  upstreamModel: string;
  /** The provider's base URL: its host and port become `server.address` and `server.port`. */
  baseUrl: string;
  /** The account's own provider key is used (BYOK). */
  byok: boolean;
}

/** Why an attempt (or its stream) failed: a low-cardinality code, the gateway's error code (`provider_unavailable`, …). */
export interface AttemptFailure {
  code: string;
}

/** The span of one upstream attempt. */
export class AttemptSpan {
  /** `traceparent` (and `tracestate`) naming this span: add them to every upstream request of the attempt. */
  readonly headers: Readonly<Record<string, string>>;
  readonly #span: Span;
  #openStreams = 0;
  #succeeded = false;
  #ended = false;

  constructor(tools: TraceTools, parent: Context, operation: string, target: AttemptTarget) {
    const server = tools.serverOf(target.baseUrl);
    this.#span = tools.tracer.startSpan(
      `${operation} ${target.upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GEN_AI_OPERATION_NAME]: operation,
          [GEN_AI_PROVIDER_NAME]: providerNameOf(target.provider),
          [GEN_AI_REQUEST_MODEL]: target.upstreamModel,
          [SERVER_ADDRESS]: server.address,
          [SERVER_PORT]: server.port,
          [OP_PROVIDER]: target.provider,
          [OP_BYOK]: target.byok,
        },
      },
      parent,
    );
    this.headers = tools.headersFor(trace.setSpan(parent, this.#span));
  }

  /**
   * A stream opened on this attempt: the span lasts until every such stream has ended. Call the returned function
   * once, when the stream ends, with its failure if it failed.
   */
  streamOpened(): (failure?: AttemptFailure) => void {
    this.#openStreams += 1;
    let closed = false;
    return (failure) => {
      if (closed) return;
      closed = true;
      this.#openStreams -= 1;
      if (failure !== undefined && !this.#ended) this.#markFailed(failure);
      this.#endWhenDone();
    };
  }

  /** The attempt answered (for a stream: its first chunk arrived); the span ends once its streams have. */
  succeeded(): void {
    this.#succeeded = true;
    this.#endWhenDone();
  }

  /** The attempt failed: the span ends now, with `error.type`. */
  failed(failure: AttemptFailure): void {
    if (this.#ended) return;
    this.#markFailed(failure);
    this.#ended = true;
    this.#span.end();
  }

  #markFailed(failure: AttemptFailure): void {
    this.#span.setAttribute(ERROR_TYPE, failure.code);
    this.#span.setStatus({ code: SpanStatusCode.ERROR });
  }

  #endWhenDone(): void {
    if (this.#ended || !this.#succeeded || this.#openStreams > 0) return;
    this.#ended = true;
    this.#span.end();
  }
}
