/**
 * @module Tracing's start and end. With an OTLP endpoint configured, {@link startTelemetry} loads the trace SDK (a
 * batch span processor over the OTLP/HTTP exporter, the `service.name` resource, the W3C Trace Context propagator) and
 * returns the {@link Telemetry} the pipeline opens request spans with; without one it loads nothing and returns
 * undefined, so the hot path's only cost is testing that for undefined. The provider is private to the gateway (never
 * registered as the process's global one): spans are started with explicit parent contexts, so no context manager
 * (AsyncLocalStorage) runs on any request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../config/types.js';
import { RequestSpan, type RequestStart } from './request-span.js';
import { TraceTools } from './trace-tools.js';

/** The instrumentation scope every span is reported under. */
const TRACER_NAME = 'originalpoint';

/** Tracer providers started in this process and not yet shut down. */
let providersRunning = 0;

/** How many tracer providers are running in this process (none while tracing is off: no SDK was even loaded). */
export function tracerProvidersRunning(): number {
  return providersRunning;
}

/** Tracing, on: opens request spans and flushes them to the exporter. */
export class Telemetry {
  readonly #tools: TraceTools;
  readonly #provider: BasicTracerProvider;
  #stopped = false;

  constructor(tools: TraceTools, provider: BasicTracerProvider) {
    this.#tools = tools;
    this.#provider = provider;
  }

  /**
   * Opens the span of one request, a child of the span the client's `traceparent` names (a new trace without one).
   * @param startTime when the request arrived, in `performance.now()` milliseconds.
   */
  startRequest(headers: IncomingHttpHeaders, start: RequestStart, startTime: number): RequestSpan {
    return new RequestSpan(this.#tools, headers, start, startTime);
  }

  /** Exports every ended span now. */
  flush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  /** Exports what is left and stops; spans ended afterwards are dropped. */
  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#provider.shutdown();
    providersRunning -= 1;
  }
}

/** What {@link startTelemetry} needs besides the config. */
export interface TelemetryOptions {
  /** Told when a batch of spans could not be exported. */
  onExportError: (error: Error) => void;
}

/** Starts tracing when `config` names an OTLP endpoint; otherwise loads nothing and returns undefined. */
export async function startTelemetry(config: TelemetryConfig | undefined, options: TelemetryOptions): Promise<Telemetry | undefined> {
  const otlp = config?.otlp;
  if (config === undefined || otlp === undefined) return undefined;
  const [sdk, resources, core, { createSpanExporter }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('./exporter.js'),
  ]);
  const exporter = await createSpanExporter(otlp, options.onExportError);
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }));
  // The SDK's own variables still apply: OTEL_TRACES_SAMPLER (default: parent-based, always on), OTEL_BSP_*.
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  providersRunning += 1;
  const tools = new TraceTools(provider.getTracer(TRACER_NAME), new core.W3CTraceContextPropagator(), config.captureContent);
  return new Telemetry(tools, provider);
}
