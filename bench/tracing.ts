/**
 * Benchmark (run by hand, not part of `npm test`): what OpenTelemetry tracing costs (issue 21). The built gateway
 * (`npm run build` first) runs twice as an `originalpoint serve` process on 127.0.0.1 in front of the simulator:
 * without an OTLP endpoint (tracing off: no SDK loaded) and with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at a local
 * sink that accepts every export and discards it (tracing on, `http/protobuf`, every request sampled: it carries a
 * sampled client `traceparent`). Each run measures the chat request non-streamed and streamed at c=1 (latency) and
 * c=50 (throughput), with the gateway's CPU time per request. Prints a Markdown table.
 * Run: npm run build && node --import tsx bench/tracing.ts [--duration SECONDS]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedAccount } from './lib/accounts.js';
import { sequential, throughput, type Target } from './lib/load.js';
import { cpuMs, freePort, startProcess, type Running } from './lib/processes.js';

const { values: flags } = parseArgs({ options: { duration: { type: 'string', default: '10' } } });
const seconds = Number(flags.duration);
const root = new URL('../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, benchmark! Say something short.' }] };
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

interface Row {
  tracing: string;
  scenario: string;
  concurrency: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  errors: number;
}

/** An OTLP/HTTP sink: reads each export whole, answers 200, keeps nothing but counts. */
async function startSink(): Promise<{ url: string; exports: () => number; bytes: () => number; close: () => Promise<void> }> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports: () => exports,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function measure(tracing: string, env: NodeJS.ProcessEnv, simulatorUrl: string): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-tracing-'));
  const limits = { plan: 'enterprise', rpm: 100_000_000, tpm: 100_000_000_000, concurrent: 100_000, includedTokens: 1_000_000_000_000 };
  const { apiKey } = await seedAccount(dataDir, { email: 'bench@originalpoint.local', ...limits }, 'bench');
  const port = await freePort();
  const gateway: Running = await startProcess(
    process.execPath,
    [cli, 'serve'],
    {
      OP_DATA_DIR: dataDir,
      OP_PORT: String(port),
      OP_HOST: '127.0.0.1',
      OP_LOG_LEVEL: 'warn',
      OP_OPENAI_API_KEY: 'sim',
      OP_OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
      ...env,
    },
    /listening on/,
  );
  const target: Target = {
    name: 'gateway',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { authorization: `Bearer ${apiKey}`, traceparent: TRACEPARENT },
    body,
  };
  const rows: Row[] = [];
  try {
    await throughput(target, false, 10, 2);
    for (const [scenario, stream, concurrency] of [
      ['non-stream', false, 1],
      ['non-stream', false, 50],
      ['stream', true, 1],
      ['stream', true, 50],
    ] as const) {
      const before = cpuMs(gateway.child.pid);
      const figures = concurrency === 1 ? await sequential(target, stream, seconds) : await throughput(target, stream, concurrency, seconds);
      const requests = figures.requestsPerSecond * seconds;
      const cpuUsPerRequest = requests === 0 ? 0 : Math.round(((cpuMs(gateway.child.pid) - before) * 1000) / requests);
      rows.push({ tracing, scenario, ...figures, cpuUsPerRequest });
      process.stdout.write(
        `${tracing.padEnd(4)} ${scenario.padEnd(10)} c=${String(concurrency).padEnd(3)} ${Math.round(figures.requestsPerSecond)} req/s\n`,
      );
    }
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const simPort = await freePort();
  const simulator = await startProcess(process.execPath, [cli, 'simulate', '--port', String(simPort)], {}, /listening/);
  const sink = await startSink();
  try {
    const simulatorUrl = `http://127.0.0.1:${simPort}`;
    const off = await measure('off', { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, simulatorUrl);
    const on = await measure('on', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, simulatorUrl);
    const lines = [
      '| tracing | scenario | c | req/s | p50 ms | p99 ms | gateway CPU µs/req | errors |',
      '|---|---|---|---|---|---|---|---|',
      ...[...off, ...on].map(
        (r) =>
          `| ${r.tracing} | ${r.scenario} | ${r.concurrency} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.cpuUsPerRequest} | ${r.errors} |`,
      ),
      '',
      `Sink: ${sink.exports()} exports, ${(sink.bytes() / 1024 / 1024).toFixed(1)} MiB of spans.`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    await sink.close();
    await simulator.stop();
  }
}

await main();
