import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AttemptSpan } from './attempt-span.js';
import { TraceTools } from './trace-tools.js';

const TARGET = { provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5', baseUrl: 'https://api.anthropic.com', byok: true };

function recorded(): { attempt: AttemptSpan; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tools = new TraceTools(provider.getTracer('test'), new W3CTraceContextPropagator(), false);
  return { attempt: new AttemptSpan(tools, ROOT_CONTEXT, 'chat', TARGET), exporter };
}

describe('AttemptSpan', () => {
  it('names the deployment and hands out its own traceparent', () => {
    const { attempt, exporter } = recorded();
    attempt.succeeded();
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.name, 'chat claude-sonnet-4-5');
    assert.equal(span?.attributes['server.address'], 'api.anthropic.com');
    assert.equal(span?.attributes['server.port'], 443);
    assert.equal(span?.attributes['originalpoint.byok'], true);
    assert.equal(attempt.headers.traceparent, `00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
  });

  it('lasts until every stream opened on it has ended, and keeps a stream failure', () => {
    const { attempt, exporter } = recorded();
    const first = attempt.streamOpened();
    const second = attempt.streamOpened();
    attempt.succeeded();
    first();
    assert.equal(exporter.getFinishedSpans().length, 0, 'one stream is still running');
    second({ code: 'provider_error' });
    second();
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 1);
    assert.equal(spans[0]?.attributes['error.type'], 'provider_error');
    assert.equal(spans[0]?.status.code, 2);
  });

  it('ends at once when the attempt fails', () => {
    const { attempt, exporter } = recorded();
    attempt.streamOpened();
    attempt.failed({ code: 'provider_unavailable' });
    assert.equal(exporter.getFinishedSpans()[0]?.attributes['error.type'], 'provider_unavailable');
  });
});
