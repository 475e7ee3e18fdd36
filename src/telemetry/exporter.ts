/**
 * @module The OTLP/HTTP span exporter for the configured protocol, loaded only when tracing is on: protobuf (the
 * spec's default) or JSON. Export failures (a collector down or refusing) never reach a request; they are reported
 * to `onError` so the operator learns that spans are being lost.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpTracesConfig } from '../config/types.js';

/** The exporter for `otlp` (URL and headers as configured; the exporter's other `OTEL_EXPORTER_OTLP_*` variables apply). */
export async function createSpanExporter(otlp: OtlpTracesConfig, onError: (error: Error) => void): Promise<SpanExporter> {
  const options = { url: otlp.url, headers: { ...otlp.headers } };
  const { OTLPTraceExporter } =
    otlp.protocol === 'http/json'
      ? await import('@opentelemetry/exporter-trace-otlp-http')
      : await import('@opentelemetry/exporter-trace-otlp-proto');
  return new ReportingExporter(new OTLPTraceExporter(options), onError);
}

/** Passes every batch through, telling `onError` of those that failed. */
class ReportingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #onError: (error: Error) => void;

  constructor(inner: SpanExporter, onError: (error: Error) => void) {
    this.#inner = inner;
    this.#onError = onError;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.#onError(result.error ?? new Error('OTLP export failed'));
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}
