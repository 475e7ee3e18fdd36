/**
 * @module What request and attempt spans share once tracing is on: the tracer, the W3C Trace Context propagator
 * (continuing the client's `traceparent` / `tracestate`, and handing ours to each upstream), the content switch, and
 * each upstream's `server.address` / `server.port` parsed once per base URL.
 */
import { defaultTextMapSetter, type Context, type TextMapPropagator, type Tracer } from '@opentelemetry/api';

/** An upstream's host and port, as the conventions' `server.address` and `server.port`. */
export interface ServerAttributes {
  address: string;
  port: number;
}

export class TraceTools {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  /** Record prompts and completions (`telemetry.captureContent`). */
  readonly captureContent: boolean;
  /** One entry per configured base URL: bounded by the config, not by requests. */
  readonly #servers = new Map<string, ServerAttributes>();

  constructor(tracer: Tracer, propagator: TextMapPropagator, captureContent: boolean) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.captureContent = captureContent;
  }

  /** The host and port of `baseUrl` (the scheme's default port when it names none). */
  serverOf(baseUrl: string): ServerAttributes {
    let server = this.#servers.get(baseUrl);
    if (server === undefined) {
      const url = new URL(baseUrl);
      server = { address: url.hostname, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
      this.#servers.set(baseUrl, server);
    }
    return server;
  }

  /** The `traceparent` (and `tracestate`) headers naming the span of `context`, for an upstream request. */
  headersFor(context: Context): Record<string, string> {
    const headers: Record<string, string> = {};
    this.propagator.inject(context, headers, defaultTextMapSetter);
    return headers;
  }
}
