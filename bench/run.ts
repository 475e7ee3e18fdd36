/**
 * `npm run bench`: the simulator (no artificial latency), the gateway and optionally a peer gateway, each in its
 * own process on 127.0.0.1, measured side by side with the same request:
 *   direct  — straight at the simulator's OpenAI-format endpoint;
 *   floor   — through a minimal Fastify + undici pass-through proxy (`lib/floor-proxy.ts`): what the platform
 *             alone costs, the bound on what the gateway can reach on this machine;
 *   gateway — through OriginalPoint (auth, admission with an enterprise account whose limits do not bind,
 *             routing, metering all on);
 *   peer    — through Portkey's gateway (`--peer portkey`).
 * Scenarios: non-streaming and streaming at c=1 (latency, timed with hrtime) and c=50 (throughput, autocannon);
 * then embeddings (8 texts to `text-embedding-3-small`, base64 as the SDKs ask) direct and through the gateway;
 * then the same chat request through the gateway's Responses door (`POST /v1/responses`, `store: false` at c=1 and
 * c=50, and `store: true` at c=1, which writes the turn to the conversation store before answering) and its
 * Messages door (`POST /v1/messages`, c=1 and c=50); then the response cache: the chat request with
 * `x-op-cache-ttl`, so every request after the first is a hit (JSON at c=1 and c=50, streamed at c=1), against the
 * same request answered by the simulator through the gateway; then cluster mode: a second gateway on PostgreSQL +
 * Redis (a schema and key prefix of its own, dropped after; skipped with a line saying so when either is
 * unreachable), non-streaming at c=1 and c=50.
 * Then a soak (`--soak SECONDS`, default 60): c=50 through the gateway with its RSS sampled, the first and last
 * tenth compared, and the RSS read again after 30 s of rest (V8 gives memory back some 20–30 s into idleness) —
 * memory must not grow under steady load, and must come back down after it.
 * The report (`lib/report.ts`) ends with issue 22's targets, each read from this run, and whether it is met.
 * Writes bench/results/latest.json and latest.md (or `--out DIR`). `--smoke` is a 1-second run from source
 * that `npm test` uses to check the harness works; it asserts no timing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSharedBackends, TEST_DATABASE_URL, TEST_REDIS_URL, type SharedBackends } from '../test/helpers/shared-backends.js';
import { sequential, throughput, type Target } from './lib/load.js';
import { createBenchKey } from './lib/bench-key.js';
import { startPortkey } from './lib/peer-portkey.js';
import { cpuMs, freePort, rssMb, sampleRss, startProcess, type Running } from './lib/processes.js';
import { buildReport, renderMarkdown, round, type Row, type Soak } from './lib/report.js';

const { values: flags } = parseArgs({
  options: {
    peer: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string' },
    soak: { type: 'string' },
    out: { type: 'string' },
  },
});
const smoke = flags.smoke === true;
const seconds = Number(flags.duration ?? (smoke ? 1 : 10));
const soakSeconds = Number(flags.soak ?? (smoke ? 1 : 60));
const outDir = flags.out ?? new URL('./results/', import.meta.url).pathname;
const root = new URL('../', import.meta.url).pathname;
/** The CLI: the built one for real runs; the sources (through tsx) for the smoke run, which must not need a build. */
const cli = smoke ? ['--import', 'tsx', join(root, 'src/cli/main.ts')] : [join(root, 'dist/cli/main.js')];
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, benchmark! Say something short.' }] };
const responsesBody = { model: body.model, input: body.messages[0]?.content, store: false };
/** The same prompt through the Messages door (Anthropic's API requires `max_tokens`). */
const messagesBody = { model: body.model, max_tokens: 1024, messages: body.messages };
const embeddingBody = {
  model: 'text-embedding-3-small',
  encoding_format: 'base64',
  input: Array.from({ length: 8 }, (_, i) => `Benchmark sentence number ${i}: embeddings for search.`),
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-'));
  const started: Running[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const simPort = await freePort();
    started.push(await startProcess(process.execPath, [...cli, 'simulate', '--port', String(simPort)], {}, /listening/));
    const simulatorUrl = `http://127.0.0.1:${simPort}`;
    const gateway = await startGateway(simulatorUrl, { OP_DATA_DIR: dataDir });
    started.push(gateway.running);

    const floorPort = await freePort();
    const floor = await startProcess(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/lib/floor-proxy.ts'), String(floorPort), simulatorUrl],
      {},
      /floor listening/,
    );
    started.push(floor);

    const gatewayTarget = gateway.target('gateway', '/v1/chat/completions', body);
    const targets: Measured[] = [
      {
        target: { name: 'direct', url: `${simulatorUrl}/openai/v1/chat/completions`, headers: { authorization: 'Bearer sim' }, body },
        pid: undefined,
      },
      { target: { name: 'floor', url: `http://127.0.0.1:${floorPort}/v1/chat/completions`, headers: {}, body }, pid: floor.child.pid },
      { target: gatewayTarget, pid: gateway.pid },
    ];
    if (flags.peer === 'portkey') {
      const peer = await startPortkey(simulatorUrl, body);
      started.push(peer.running);
      targets.push({ target: peer.target, pid: peer.running.child.pid });
    } else if (flags.peer !== undefined) {
      throw new Error(`unknown peer ${flags.peer} (supported: portkey)`);
    }

    const idleRssMb = rssMb(gateway.pid);
    const results: Row[] = [];
    const run = async (measured: Measured, scenario: string, stream: boolean, concurrency: number): Promise<void> => {
      const row = await measure(measured, scenario, stream, concurrency);
      results.push(row);
      process.stdout.write(
        `${row.target.padEnd(18)} ${scenario.padEnd(16)} c=${String(concurrency).padEnd(3)} ${Math.round(row.requestsPerSecond)} req/s\n`,
      );
    };
    for (const measured of targets) {
      if (!smoke) await throughput(measured.target, false, 10, 2);
      for (const [scenario, stream] of [
        ['non-stream', false],
        ['stream', true],
      ] as const) {
        for (const concurrency of [1, 50]) await run(measured, scenario, stream, concurrency);
      }
    }
    const direct = (path: string, requestBody: Record<string, unknown>): Measured => ({
      target: { name: 'direct', url: `${simulatorUrl}/openai/v1${path}`, headers: { authorization: 'Bearer sim' }, body: requestBody },
      pid: undefined,
    });
    const throughGateway = (path: string, requestBody: Record<string, unknown>, headers: Record<string, string> = {}): Measured => {
      const target = gateway.target('gateway', path, requestBody);
      return { target: { ...target, headers: { ...target.headers, ...headers } }, pid: gateway.pid };
    };
    for (const measured of [direct('/embeddings', embeddingBody), throughGateway('/v1/embeddings', embeddingBody)]) {
      for (const concurrency of [1, 50]) await run(measured, 'embeddings', false, concurrency);
    }
    const responses = throughGateway('/v1/responses', responsesBody);
    await run(responses, 'responses', false, 1);
    await run(responses, 'responses', false, 50);
    await run(throughGateway('/v1/responses', { ...responsesBody, store: true }), 'responses-stored', false, 1);
    const messages = throughGateway('/v1/messages', messagesBody);
    await run(messages, 'messages', false, 1);
    await run(messages, 'messages', false, 50);
    // The response cache: one request fills the entry, every one after it is a hit (streamed ones too).
    const cached = throughGateway('/v1/chat/completions', body, { 'x-op-cache-ttl': '3600' });
    await sequential(cached.target, false, 0.1);
    await run(cached, 'cache-hit', false, 1);
    await run(cached, 'cache-hit', false, 50);
    await run(cached, 'cache-hit-stream', true, 1);

    // Cluster mode: a second gateway on PostgreSQL + Redis (its own schema and key prefix), the same request.
    const shared = await sharedBackends();
    let clusterSkipped: string | null = null;
    if (typeof shared === 'string') {
      clusterSkipped = `not measured: ${shared}`;
      process.stdout.write(`cluster mode skipped: ${shared}\n`);
    } else {
      cleanups.push(shared.cleanup);
      const cluster = await startGateway(simulatorUrl, { OP_DATA_DIR: mkdtempSync(join(dataDir, 'cluster-')), ...shared.env });
      started.push(cluster.running);
      const measured: Measured = { target: cluster.target('gateway (cluster)', '/v1/chat/completions', body), pid: cluster.pid };
      if (!smoke) await throughput(measured.target, false, 10, 2);
      await run(measured, 'non-stream', false, 1);
      await run(measured, 'non-stream', false, 50);
      await cluster.running.stop();
    }

    await sleep(smoke ? 100 : 3000);
    const afterRssMb = rssMb(gateway.pid);
    const soak = soakSeconds > 0 ? await soakRss(gatewayTarget, gateway.pid, soakSeconds) : null;
    const report = buildReport({ seconds, results, clusterSkipped, idleRssMb, afterRssMb, soak });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, 'latest.md'), renderMarkdown(report));
    process.stdout.write(`\n${renderMarkdown(report)}`);
  } finally {
    for (const process of started.reverse()) await process.stop();
    for (const cleanup of cleanups) await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A target and the process whose CPU and memory its figures are charged to (none: the simulator, direct). */
interface Measured {
  target: Target;
  pid: number | undefined;
}

/** One scenario: c=1 with the precise sequential loop, otherwise autocannon; with the process's RSS peak and CPU. */
async function measure({ target, pid }: Measured, scenario: string, stream: boolean, concurrency: number): Promise<Row> {
  const sampler = sampleRss(pid);
  const cpuBefore = cpuMs(pid);
  const figures = concurrency === 1 ? await sequential(target, stream, seconds) : await throughput(target, stream, concurrency, seconds);
  const cpuUsed = cpuMs(pid) - cpuBefore;
  const peak = sampler.stop();
  const requests = figures.requestsPerSecond * seconds;
  const cpuUsPerRequest = pid === undefined || requests === 0 ? null : round((cpuUsed * 1000) / requests, 0);
  return { target: target.name, scenario, ...figures, peakRssMb: pid === undefined ? null : round(peak), cpuUsPerRequest };
}

/** A gateway process (`originalpoint serve`) in front of the simulator's OpenAI endpoint, with a benchmark key. */
async function startGateway(
  simulatorUrl: string,
  env: Record<string, string>,
): Promise<{ running: Running; pid: number | undefined; target: (name: string, path: string, body: Record<string, unknown>) => Target }> {
  const apiKey = createBenchKey(cli, env);
  const port = await freePort();
  const running = await startProcess(
    process.execPath,
    [...cli, 'serve'],
    {
      ...env,
      OP_PORT: String(port),
      OP_HOST: '127.0.0.1',
      OP_LOG_LEVEL: 'warn',
      OP_OPENAI_API_KEY: 'sim',
      OP_OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
    },
    /listening on/,
  );
  return {
    running,
    pid: running.child.pid,
    target: (name, path, requestBody) => ({
      name,
      url: `http://127.0.0.1:${port}${path}`,
      headers: { authorization: `Bearer ${apiKey}` },
      body: requestBody,
    }),
  };
}

/** A schema and Redis prefix of its own for the cluster-mode gateway; a reason when PostgreSQL or Redis is unreachable. */
async function sharedBackends(): Promise<SharedBackends | string> {
  const missing: string[] = [];
  for (const [name, url] of [
    ['PostgreSQL', TEST_DATABASE_URL],
    ['Redis', TEST_REDIS_URL],
  ] as const) {
    if (!(await reachable(new URL(url)))) missing.push(`${name} at ${new URL(url).host}`);
  }
  if (missing.length > 0) return `${missing.join(' and ')} not reachable`;
  return createSharedBackends();
}

/** Whether something accepts TCP connections at the URL's host and port (within 2 s). */
function reachable(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/** RSS over a steady c=50 load of `seconds`: at its start, the peaks of its first and last tenth, after a rest. */
async function soakRss(target: Target, pid: number | undefined, seconds: number): Promise<Soak> {
  const startRssMb = rssMb(pid);
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rssMb(pid)), 250);
  const figures = await throughput(target, false, 50, seconds);
  clearInterval(timer);
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const restSeconds = smoke ? 0.1 : 30;
  await sleep(restSeconds * 1000);
  return {
    seconds,
    requestsPerSecond: round(figures.requestsPerSecond),
    errors: figures.errors,
    startRssMb: round(startRssMb),
    firstTenthRssMb: round(Math.max(...samples.slice(0, tenth))),
    lastTenthRssMb: round(Math.max(...samples.slice(-tenth))),
    restedRssMb: round(rssMb(pid)),
    restSeconds,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
