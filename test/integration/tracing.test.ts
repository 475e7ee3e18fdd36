/**
 * OpenTelemetry tracing end to end (issue 21): a gateway exporting OTLP/HTTP to a receiver the test starts, upstream
 * calls going through a tap that records their headers on the way to the simulator. One chat request carrying a
 * client `traceparent`, whose first deployment fails, gives a SERVER request span and two CLIENT attempt spans under
 * the client's trace, with the GenAI attributes and ours, the failed attempt's `error.type`, and each upstream call
 * carrying its attempt span's `traceparent` — and no prompt or completion text anywhere in the export. A stream's
 * attempt span ends with the stream. Without an endpoint, no tracer provider starts and upstreams see no
 * `traceparent`; `http/protobuf` exports protobuf.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { GatewayConfig, ModelConfig } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { tracerProvidersRunning } from '../../src/telemetry/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  SPAN_KIND_CLIENT,
  SPAN_KIND_SERVER,
  STATUS_ERROR,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../helpers/otlp-receiver.js';

/** Appears in the prompt, hence in the simulator's reply too: it must never reach the export. */
const SECRET_WORD = 'zanzibar-marmalade-7741';
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`;

function model(id: string, provider: string, upstream: string): ModelConfig {
  return {
    id,
    owned_by: 'test',
    created: 0,
    context_length: 128_000,
    max_output_tokens: 8_192,
    pricing: { input_per_million: 1, output_per_million: 2 },
    capabilities: { vision: false, tools: true },
    deployments: [{ provider, model: upstream }],
  };
}

/** `primary` fails (the simulator's knob on its upstream name); `backup` answers on another provider. */
const CATALOG: ModelConfig[] = [model('primary', 'openai', 'trace-primary'), model('backup', 'mistral', 'trace-backup')];

/** An upstream call as the tap saw it. */
interface TappedCall {
  path: string;
  headers: IncomingHttpHeaders;
}

interface Tap {
  url: string;
  calls: TappedCall[];
  close(): Promise<void>;
}

/** A pass-through proxy to the simulator that records each call's path and headers. */
async function startTap(target: string): Promise<Tap> {
  const calls: TappedCall[] = [];
  const server = createServer((req, res) => {
    calls.push({ path: req.url ?? '', headers: req.headers });
    const upstream = httpRequest(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Points `openai` and `mistral` at the tap (with keys, so the gateway does not simulate them) and sets the catalog. */
function throughTap(config: GatewayConfig, tap: Tap): void {
  config.models = CATALOG;
  config.providers.openai = { id: 'openai', format: 'openai', baseUrl: `${tap.url}/openai/v1`, apiKey: 'sk-tap-openai' };
  config.providers.mistral = { id: 'mistral', format: 'openai', baseUrl: `${tap.url}/mistral/v1`, apiKey: 'sk-tap-mistral' };
}

async function chat(gw: TestGateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The `traceparent` header's span id. */
function spanIdOf(traceparent: string | string[] | undefined): string {
  assert.equal(typeof traceparent, 'string', 'the upstream call carries a traceparent');
  const [version, traceId, spanId, flags] = String(traceparent).split('-');
  assert.equal(version, '00');
  assert.equal(flags, '01');
  assert.equal(traceId, CLIENT_TRACE_ID);
  return spanId ?? '';
}

/**
 * Exports until `arrived` holds. The request span ends when the request has settled, which may come after the client
 * has read its answer (on Redis, settling is a round trip), so one flush right after the answer can miss it.
 */
async function exportUntil(gw: TestGateway, arrived: () => boolean): Promise<void> {
  const telemetry = gw.telemetry;
  assert.ok(telemetry !== undefined, 'tracing is on');
  for (let tries = 0; tries < 500; tries += 1) {
    await telemetry.flush();
    if (arrived()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function one(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  assert.equal(found.length, 1, `exactly one ${what}: ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0] as ReceivedSpan;
}

describe('OpenTelemetry tracing', () => {
  let simulator: Simulator;
  let tap: Tap;
  let receiver: OtlpReceiver;
  let gw: TestGateway;

  before(async () => {
    simulator = await startSimulator();
    tap = await startTap(simulator.url);
    receiver = await startOtlpReceiver();
    simulator.setKnobs('trace-primary', { errorRate: 1, errorStatus: 500 });
    gw = await startTestGateway((config) => {
      throughTap(config, tap);
      config.telemetry = {
        otlp: { url: receiver.tracesUrl, protocol: 'http/json', headers: { 'x-collector-token': 'collector-secret' } },
        serviceName: 'op-tracing-test',
        resourceAttributes: {},
        captureContent: false,
      };
    });
  });

  after(async () => {
    await gw.close();
    await receiver.close();
    await tap.close();
    await simulator.close();
  });

  it('a failover shows the request span and both attempt spans with the GenAI attributes under the client trace', async () => {
    const tapped = tap.calls.length;
    const response = await chat(
      gw,
      { models: ['primary', 'backup'], messages: [{ role: 'user', content: `Say ${SECRET_WORD}` }], max_tokens: 50, temperature: 0.5 },
      { traceparent: CLIENT_TRACEPARENT, tracestate: 'vendor=opaque' },
    );
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('x-op-attempts'), '2');
    const answer = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number } };
    await exportUntil(gw, () => receiver.spans().some((span) => span.traceId === CLIENT_TRACE_ID && span.kind === SPAN_KIND_SERVER));

    const spans = receiver.spans().filter((span) => span.traceId === CLIENT_TRACE_ID);
    assert.equal(spans.length, 3, JSON.stringify(spans.map((s) => s.name)));
    const server = one(spans, (s) => s.kind === SPAN_KIND_SERVER, 'SERVER span');
    assert.equal(server.name, 'chat primary');
    assert.equal(server.parentSpanId, CLIENT_SPAN_ID, 'the request span is a child of the client span');
    assert.equal(server.serviceName, 'op-tracing-test');
    assert.deepEqual(
      {
        operation: server.attributes['gen_ai.operation.name'],
        requestModel: server.attributes['gen_ai.request.model'],
        responseModel: server.attributes['gen_ai.response.model'],
        provider: server.attributes['gen_ai.provider.name'],
        inputTokens: server.attributes['gen_ai.usage.input_tokens'],
        outputTokens: server.attributes['gen_ai.usage.output_tokens'],
        finishReasons: server.attributes['gen_ai.response.finish_reasons'],
        maxTokens: server.attributes['gen_ai.request.max_tokens'],
        temperature: server.attributes['gen_ai.request.temperature'],
        cost: server.attributes['originalpoint.cost_usd'],
        routing: server.attributes['originalpoint.routing.mode'],
        endpoint: server.attributes['originalpoint.endpoint'],
        attempts: server.attributes['originalpoint.attempts'],
        account: server.attributes['originalpoint.account_id'],
        key: server.attributes['originalpoint.key_id'],
        status: server.attributes['http.response.status_code'],
      },
      {
        operation: 'chat',
        requestModel: 'primary',
        responseModel: 'backup',
        provider: 'mistral_ai',
        inputTokens: answer.usage.prompt_tokens,
        outputTokens: answer.usage.completion_tokens,
        finishReasons: ['stop'],
        maxTokens: 50,
        temperature: 0.5,
        cost: answer.usage.cost_usd,
        routing: 'explicit',
        endpoint: 'chat.completions',
        attempts: 2,
        account: gw.accountId,
        key: gw.keyId,
        status: 200,
      },
    );
    assert.equal(server.attributes['error.type'], undefined);

    const failed = one(spans, (s) => s.kind === SPAN_KIND_CLIENT && s.name === 'chat trace-primary', 'failed attempt span');
    const answered = one(spans, (s) => s.kind === SPAN_KIND_CLIENT && s.name === 'chat trace-backup', 'answering attempt span');
    for (const [attempt, provider, upstream] of [
      [failed, 'openai', 'trace-primary'],
      [answered, 'mistral_ai', 'trace-backup'],
    ] as const) {
      assert.equal(attempt.parentSpanId, server.spanId, 'an attempt span is a child of the request span');
      assert.equal(attempt.attributes['gen_ai.operation.name'], 'chat');
      assert.equal(attempt.attributes['gen_ai.provider.name'], provider);
      assert.equal(attempt.attributes['gen_ai.request.model'], upstream);
      assert.equal(attempt.attributes['server.address'], '127.0.0.1');
      assert.equal(attempt.attributes['server.port'], Number(new URL(tap.url).port));
    }
    assert.equal(failed.attributes['error.type'], 'provider_unavailable', "the upstream's 500, as the gateway classes it");
    assert.equal(failed.statusCode, STATUS_ERROR);
    assert.equal(answered.attributes['error.type'], undefined);

    // Each upstream call carried the traceparent of its own attempt span (and the client's tracestate).
    const calls = tap.calls.slice(tapped);
    assert.deepEqual(
      calls.map((call) => call.path),
      ['/openai/v1/chat/completions', '/mistral/v1/chat/completions'],
    );
    assert.equal(spanIdOf(calls[0]?.headers.traceparent), failed.spanId);
    assert.equal(spanIdOf(calls[1]?.headers.traceparent), answered.spanId);
    assert.equal(calls[1]?.headers.tracestate, 'vendor=opaque');

    // The collector's headers were sent; no prompt or completion text was.
    assert.ok(receiver.exports.every((e) => e.headers['x-collector-token'] === 'collector-secret'));
    for (const sent of receiver.exports) {
      const text = sent.body.toString('utf8');
      assert.ok(!text.includes(SECRET_WORD), 'the prompt is not exported');
      assert.ok(!text.includes('Simulated reply'), 'the completion is not exported');
      assert.ok(!text.includes(gw.apiKey), 'the API key is not exported');
    }
  });

  it("a stream's attempt span ends with the stream, and the request span has its finish reasons and usage", async () => {
    const response = await chat(gw, {
      model: 'backup',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(response.status, 200);
    const body = await response.text();
    assert.ok(body.includes('[DONE]'));
    const requestId = response.headers.get('x-request-id');
    await exportUntil(gw, () => receiver.spans().some((span) => span.attributes['originalpoint.request_id'] === requestId));

    const server = one(receiver.spans(), (s) => s.attributes['originalpoint.request_id'] === requestId, 'request span of the stream');
    assert.equal(server.name, 'chat backup');
    assert.equal(server.attributes['gen_ai.request.stream'], true);
    assert.deepEqual(server.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.ok(Number(server.attributes['gen_ai.usage.output_tokens']) > 0);
    assert.equal(server.parentSpanId, '', 'without a traceparent the request span starts a trace');
    const attempt = one(receiver.spans(), (s) => s.parentSpanId === server.spanId, 'attempt span of the stream');
    assert.equal(attempt.kind, SPAN_KIND_CLIENT);
    assert.equal(attempt.traceId, server.traceId);
  });
});

describe('OpenTelemetry tracing, off', () => {
  it('without an endpoint no tracer provider starts and upstreams get no traceparent', async () => {
    const simulator = await startSimulator();
    const tap = await startTap(simulator.url);
    const running = tracerProvidersRunning();
    const gw = await startTestGateway((config) => throughTap(config, tap));
    try {
      assert.equal(gw.telemetry, undefined);
      assert.equal(tracerProvidersRunning(), running, 'no SDK was started');
      const response = await chat(gw, { model: 'backup', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: CLIENT_TRACEPARENT });
      assert.equal(response.status, 200);
      assert.equal(tap.calls.length, 1);
      assert.equal(tap.calls[0]?.headers.traceparent, undefined);
    } finally {
      await gw.close();
      await tap.close();
      await simulator.close();
    }
  });

  it('exports http/protobuf (the default protocol) to the configured traces URL, flushed on close', async () => {
    const receiver = await startOtlpReceiver();
    const gw = await startTestGateway((config) => {
      config.telemetry = {
        otlp: { url: receiver.tracesUrl, protocol: 'http/protobuf', headers: {} },
        serviceName: 'op',
        resourceAttributes: {},
        captureContent: false,
      };
    });
    try {
      const response = await chat(gw, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(response.status, 200);
    } finally {
      await gw.close();
      await receiver.close();
    }
    assert.ok(receiver.exports.length > 0, 'spans were flushed on close');
    assert.ok(receiver.exports.every((e) => e.path === '/v1/traces' && e.headers['content-type'] === 'application/x-protobuf' && e.body.length > 0));
  });
});
