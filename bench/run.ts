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
 * c=50, and `store: true` at c=1, which writes the turn to the conversation store before answering); then the
 * response cache: the chat request with `x-op-cache-ttl`, so every request after the first is a hit (JSON at c=1 and
 * c=50, streamed at c=1), against the same request answered by the simulator through the gateway.
 * Then a soak (`--soak SECONDS`, default 60): c=50 through the gateway with its RSS sampled, the first and last
 * tenth compared, and the RSS read again after 30 s of rest (V8 gives memory back some 20–30 s into idleness) —
 * memory must not grow under steady load, and must come back down after it.
 * Writes bench/results/latest.json and latest.md (or `--out DIR`). `--smoke` is a 1-second run from source
 * that `npm test` uses to check the harness works; it asserts no timing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sequential, throughput, type ScenarioResult, type Target } from './lib/load.js';
import { startPortkey } from './lib/peer-portkey.js';
import { cpuMs, freePort, rssMb, sampleRss, startProcess, type Running } from './lib/processes.js';

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
const embeddingBody = {
  model: 'text-embedding-3-small',
  encoding_format: 'base64',
  input: Array.from({ length: 8 }, (_, i) => `Benchmark sentence number ${i}: embeddings for search.`),
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-'));
  const started: Running[] = [];
  try {
    const simPort = await freePort();
    started.push(await startProcess(process.execPath, [...cli, 'simulate', '--port', String(simPort)], {}, /listening/));
    const simulatorUrl = `http://127.0.0.1:${simPort}`;
    const apiKey = createBenchKey(dataDir);
    const gatewayPort = await freePort();
    const gateway = await startProcess(
      process.execPath,
      [...cli, 'serve'],
      {
        OP_DATA_DIR: dataDir,
        OP_PORT: String(gatewayPort),
        OP_HOST: '127.0.0.1',
        OP_LOG_LEVEL: 'warn',
        OP_OPENAI_API_KEY: 'sim',
        OP_OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
      },
      /listening on/,
    );
    started.push(gateway);

    const floorPort = await freePort();
    const floor = await startProcess(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/lib/floor-proxy.ts'), String(floorPort), simulatorUrl],
      {},
      /floor listening/,
    );
    started.push(floor);

    const gatewayTarget: Target = {
      name: 'gateway',
      url: `http://127.0.0.1:${gatewayPort}/v1/chat/completions`,
      headers: { authorization: `Bearer ${apiKey}` },
      body,
    };
    const targets: Array<{ target: Target; pid: number | undefined }> = [
      {
        target: { name: 'direct', url: `${simulatorUrl}/openai/v1/chat/completions`, headers: { authorization: 'Bearer sim' }, body },
        pid: undefined,
      },
      { target: { name: 'floor', url: `http://127.0.0.1:${floorPort}/v1/chat/completions`, headers: {}, body }, pid: floor.child.pid },
      { target: gatewayTarget, pid: gateway.child.pid },
    ];
    if (flags.peer === 'portkey') {
      const peer = await startPortkey(simulatorUrl, body);
      started.push(peer.running);
      targets.push({ target: peer.target, pid: peer.running.child.pid });
    } else if (flags.peer !== undefined) {
      throw new Error(`unknown peer ${flags.peer} (supported: portkey)`);
    }

    const idleRssMb = rssMb(gateway.child.pid);
    const results: Row[] = [];
    for (const { target, pid } of targets) {
      if (!smoke) await throughput(target, false, 10, 2);
      for (const [scenario, stream, concurrency] of [
        ['non-stream', false, 1],
        ['non-stream', false, 50],
        ['stream', true, 1],
        ['stream', true, 50],
      ] as const) {
        const sampler = sampleRss(pid);
        const cpuBefore = cpuMs(pid);
        const figures = concurrency === 1 ? await sequential(target, stream, seconds) : await throughput(target, stream, concurrency, seconds);
        const cpuUsed = cpuMs(pid) - cpuBefore;
        const peak = sampler.stop();
        const requests = figures.requestsPerSecond * seconds;
        const cpuUsPerRequest = pid === undefined || requests === 0 ? null : round((cpuUsed * 1000) / requests, 0);
        results.push({ target: target.name, scenario, ...figures, peakRssMb: pid === undefined ? null : round(peak), cpuUsPerRequest });
        process.stdout.write(
          `${target.name.padEnd(16)} ${scenario.padEnd(10)} c=${String(concurrency).padEnd(3)} ${Math.round(figures.requestsPerSecond)} req/s\n`,
        );
      }
    }
    const embeddingTargets: Array<{ target: Target; pid: number | undefined }> = [
      {
        target: { name: 'direct', url: `${simulatorUrl}/openai/v1/embeddings`, headers: { authorization: 'Bearer sim' }, body: embeddingBody },
        pid: undefined,
      },
      {
        target: {
          name: 'gateway',
          url: `http://127.0.0.1:${gatewayPort}/v1/embeddings`,
          headers: { authorization: `Bearer ${apiKey}` },
          body: embeddingBody,
        },
        pid: gateway.child.pid,
      },
    ];
    for (const { target, pid } of embeddingTargets) {
      for (const concurrency of [1, 50]) {
        const cpuBefore = cpuMs(pid);
        const figures = concurrency === 1 ? await sequential(target, false, seconds) : await throughput(target, false, concurrency, seconds);
        const requests = figures.requestsPerSecond * seconds;
        const cpuUsPerRequest = pid === undefined || requests === 0 ? null : round(((cpuMs(pid) - cpuBefore) * 1000) / requests, 0);
        results.push({ target: target.name, scenario: 'embeddings', ...figures, peakRssMb: null, cpuUsPerRequest });
        process.stdout.write(
          `${target.name.padEnd(16)} embeddings c=${String(concurrency).padEnd(3)} ${Math.round(figures.requestsPerSecond)} req/s\n`,
        );
      }
    }
    for (const [scenario, store, concurrency] of [
      ['responses', false, 1],
      ['responses', false, 50],
      ['responses-stored', true, 1],
    ] as const) {
      const target: Target = { ...gatewayTarget, url: `http://127.0.0.1:${gatewayPort}/v1/responses`, body: { ...responsesBody, store } };
      const cpuBefore = cpuMs(gateway.child.pid);
      const figures = concurrency === 1 ? await sequential(target, false, seconds) : await throughput(target, false, concurrency, seconds);
      const requests = figures.requestsPerSecond * seconds;
      const cpuUsPerRequest = requests === 0 ? null : round(((cpuMs(gateway.child.pid) - cpuBefore) * 1000) / requests, 0);
      results.push({ target: 'gateway', scenario, ...figures, peakRssMb: null, cpuUsPerRequest });
      process.stdout.write(`${'gateway'.padEnd(16)} ${scenario} c=${String(concurrency).padEnd(3)} ${Math.round(figures.requestsPerSecond)} req/s\n`);
    }
    // The response cache: one request fills the entry, every one after it is a hit (streamed ones too).
    const cachedTarget: Target = { ...gatewayTarget, headers: { ...gatewayTarget.headers, 'x-op-cache-ttl': '3600' } };
    await sequential(cachedTarget, false, 0.1);
    for (const [scenario, stream, concurrency] of [
      ['cache-hit', false, 1],
      ['cache-hit', false, 50],
      ['cache-hit-stream', true, 1],
    ] as const) {
      const cpuBefore = cpuMs(gateway.child.pid);
      const figures =
        concurrency === 1 ? await sequential(cachedTarget, stream, seconds) : await throughput(cachedTarget, stream, concurrency, seconds);
      const requests = figures.requestsPerSecond * seconds;
      const cpuUsPerRequest = requests === 0 ? null : round(((cpuMs(gateway.child.pid) - cpuBefore) * 1000) / requests, 0);
      results.push({ target: 'gateway', scenario, ...figures, peakRssMb: null, cpuUsPerRequest });
      process.stdout.write(`${'gateway'.padEnd(16)} ${scenario} c=${String(concurrency).padEnd(3)} ${Math.round(figures.requestsPerSecond)} req/s\n`);
    }
    await sleep(smoke ? 100 : 3000);
    const afterRssMb = rssMb(gateway.child.pid);
    const soak = soakSeconds > 0 ? await soakRss(gatewayTarget, gateway.child.pid, soakSeconds) : null;
    const report = buildReport(results, idleRssMb, afterRssMb, soak);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, 'latest.md'), renderMarkdown(report));
    process.stdout.write(`\n${renderMarkdown(report)}`);
  } finally {
    for (const process of started.reverse()) await process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** RSS over a steady c=50 load of `seconds`: the peaks of its first and last tenth, and the RSS after a rest (30 s). */
async function soakRss(target: Target, pid: number | undefined, seconds: number): Promise<Soak> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rssMb(pid)), 250);
  const figures = await throughput(target, false, 50, seconds);
  clearInterval(timer);
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  await sleep(smoke ? 100 : 30_000);
  return {
    seconds,
    requestsPerSecond: round(figures.requestsPerSecond),
    errors: figures.errors,
    firstTenthRssMb: round(Math.max(...samples.slice(0, tenth))),
    lastTenthRssMb: round(Math.max(...samples.slice(-tenth))),
    restedRssMb: round(rssMb(pid)),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An enterprise account whose limits cannot bind, and its key, created through the CLI before the server starts. */
function createBenchKey(dataDir: string): string {
  const env = { ...process.env, OP_DATA_DIR: dataDir };
  const run = (args: string[]): string => execFileSync(process.execPath, [...cli, ...args], { env, encoding: 'utf8' });
  run([
    'accounts',
    'create',
    '--email',
    'bench@originalpoint.local',
    '--plan',
    'enterprise',
    '--rpm',
    '100000000',
    '--tpm',
    '100000000000',
    '--concurrent',
    '100000',
    '--included-tokens',
    '1000000000000',
  ]);
  const key = /op_[A-Za-z0-9]+/.exec(run(['keys', 'create', '--email', 'bench@originalpoint.local', '--name', 'bench']))?.[0];
  if (key === undefined) throw new Error('could not create the benchmark key');
  return key;
}

/** A scenario's figures plus the CPU its target process spent per request (none for the simulator, direct). */
interface Row extends ScenarioResult {
  cpuUsPerRequest: number | null;
}

interface Report {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; date: string };
  seconds: number;
  results: Row[];
  gateway: { idleRssMb: number; afterRssMb: number; overheadP50Ms: number | null; overheadP99Ms: number | null; ttfcOverheadMs: number | null };
  ratios: {
    throughputVsDirect: number | null;
    throughputVsFloor: number | null;
    throughputVsPeer: number | null;
    embeddingsVsDirect: number | null;
    /** The Responses door's throughput at c=50 over the chat door's, same request, both through the gateway. */
    responsesVsChat: number | null;
    /** Cache hits' throughput at c=50 over the same request answered upstream, both through the gateway. */
    cacheHitVsMiss: number | null;
  };
  /** Response cache hits at c=1 (p50, JSON; first chunk of a streamed hit), beside the same request answered upstream. */
  cache: { hitP50Ms: number | null; missP50Ms: number | null; streamHitTtfcP50Ms: number | null };
  /** What the Responses door adds to the chat door at c=1 (p50), without and with storing the turn. */
  responses: { overheadP50Ms: number | null; storedOverheadP50Ms: number | null };
  floor: { overheadP50Ms: number | null; overheadP99Ms: number | null };
  soak: Soak | null;
}

interface Soak {
  seconds: number;
  requestsPerSecond: number;
  errors: number;
  firstTenthRssMb: number;
  lastTenthRssMb: number;
  restedRssMb: number;
}

function buildReport(results: Row[], idleRssMb: number, afterRssMb: number, soak: Soak | null): Report {
  const find = (target: string, scenario: string, c: number) =>
    results.find((r) => r.target === target && r.scenario === scenario && r.concurrency === c);
  const gw1 = find('gateway', 'non-stream', 1);
  const direct1 = find('direct', 'non-stream', 1);
  const gwStream1 = find('gateway', 'stream', 1);
  const directStream1 = find('direct', 'stream', 1);
  const gw50 = find('gateway', 'non-stream', 50);
  const direct50 = find('direct', 'non-stream', 50);
  const peer50 = find('peer (portkey)', 'non-stream', 50);
  const floor1 = find('floor', 'non-stream', 1);
  const floor50 = find('floor', 'non-stream', 50);
  const gwEmbed50 = find('gateway', 'embeddings', 50);
  const directEmbed50 = find('direct', 'embeddings', 50);
  const responses1 = find('gateway', 'responses', 1);
  const responses50 = find('gateway', 'responses', 50);
  const stored1 = find('gateway', 'responses-stored', 1);
  const cacheHit1 = find('gateway', 'cache-hit', 1);
  const cacheHit50 = find('gateway', 'cache-hit', 50);
  const cacheHitStream1 = find('gateway', 'cache-hit-stream', 1);
  const diff = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? null : round(a - b, 3));
  return {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      date: new Date().toISOString(),
    },
    seconds,
    results: results.map((r) => ({
      ...r,
      requestsPerSecond: round(r.requestsPerSecond),
      p50Ms: round(r.p50Ms, 3),
      p99Ms: round(r.p99Ms, 3),
      ttfcP50Ms: r.ttfcP50Ms === null ? null : round(r.ttfcP50Ms, 3),
    })),
    gateway: {
      idleRssMb: round(idleRssMb),
      afterRssMb: round(afterRssMb),
      overheadP50Ms: diff(gw1?.p50Ms, direct1?.p50Ms),
      overheadP99Ms: diff(gw1?.p99Ms, direct1?.p99Ms),
      ttfcOverheadMs: diff(gwStream1?.ttfcP50Ms, directStream1?.ttfcP50Ms),
    },
    ratios: {
      throughputVsDirect: gw50 && direct50 ? round(gw50.requestsPerSecond / direct50.requestsPerSecond, 3) : null,
      throughputVsFloor: gw50 && floor50 ? round(gw50.requestsPerSecond / floor50.requestsPerSecond, 3) : null,
      throughputVsPeer: gw50 && peer50 ? round(gw50.requestsPerSecond / peer50.requestsPerSecond, 2) : null,
      embeddingsVsDirect: gwEmbed50 && directEmbed50 ? round(gwEmbed50.requestsPerSecond / directEmbed50.requestsPerSecond, 3) : null,
      responsesVsChat: responses50 && gw50 ? round(responses50.requestsPerSecond / gw50.requestsPerSecond, 3) : null,
      cacheHitVsMiss: cacheHit50 && gw50 ? round(cacheHit50.requestsPerSecond / gw50.requestsPerSecond, 3) : null,
    },
    cache: {
      hitP50Ms: cacheHit1 ? round(cacheHit1.p50Ms, 3) : null,
      missP50Ms: gw1 ? round(gw1.p50Ms, 3) : null,
      streamHitTtfcP50Ms: cacheHitStream1?.ttfcP50Ms == null ? null : round(cacheHitStream1.ttfcP50Ms, 3),
    },
    responses: { overheadP50Ms: diff(responses1?.p50Ms, gw1?.p50Ms), storedOverheadP50Ms: diff(stored1?.p50Ms, gw1?.p50Ms) },
    floor: { overheadP50Ms: diff(floor1?.p50Ms, direct1?.p50Ms), overheadP99Ms: diff(floor1?.p99Ms, direct1?.p99Ms) },
    soak,
  };
}

function renderMarkdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `Benchmark (${report.seconds} s per scenario) on ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GiB, Node ${m.node}, ${m.date}`,
    '',
    '| target | scenario | c | req/s | p50 ms | p99 ms | first chunk p50 ms | errors | peak RSS MB | CPU µs/req |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.target} | ${r.scenario} | ${r.concurrency} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.ttfcP50Ms ?? ''} | ${r.errors} | ${r.peakRssMb ?? ''} | ${r.cpuUsPerRequest ?? ''} |`,
    ),
    '',
    `Gateway overhead at c=1: p50 ${report.gateway.overheadP50Ms} ms, p99 ${report.gateway.overheadP99Ms} ms; stream first-chunk ${report.gateway.ttfcOverheadMs} ms.`,
    `Floor (bare Fastify + undici proxy) overhead at c=1: p50 ${report.floor.overheadP50Ms} ms, p99 ${report.floor.overheadP99Ms} ms.`,
    `Throughput at c=50 (non-stream): ${report.ratios.throughputVsDirect ?? '–'} × direct, ${report.ratios.throughputVsFloor ?? '–'} × floor, ${report.ratios.throughputVsPeer ?? '–'} × peer.`,
    `Embeddings at c=50 (8 texts, base64): ${report.ratios.embeddingsVsDirect ?? '–'} × direct.`,
    `Responses door over the chat door at c=1: p50 ${signed(report.responses.overheadP50Ms)} ms (store: false), ${signed(report.responses.storedOverheadP50Ms)} ms (store: true); at c=50: ${report.ratios.responsesVsChat ?? '–'} × the chat door's throughput.`,
    `Response cache hits at c=1: p50 ${report.cache.hitP50Ms ?? '–'} ms (the same request answered upstream: ${report.cache.missP50Ms ?? '–'} ms), a streamed hit's first chunk ${report.cache.streamHitTtfcP50Ms ?? '–'} ms; at c=50: ${report.ratios.cacheHitVsMiss ?? '–'} × the uncached throughput.`,
    `Gateway RSS: ${report.gateway.idleRssMb} MB idle before, ${report.gateway.afterRssMb} MB after the run.`,
    ...(report.soak === null
      ? []
      : [
          `Soak, ${report.soak.seconds} s at c=50 through the gateway: ${report.soak.requestsPerSecond} req/s, ${report.soak.errors} errors; ` +
            `RSS peak ${report.soak.firstTenthRssMb} MB in the first tenth, ${report.soak.lastTenthRssMb} MB in the last, ${report.soak.restedRssMb} MB after ${smoke ? 'a' : '30 s of'} rest.`,
        ]),
    '',
  ];
  return lines.join('\n');
}

/** A difference with its sign (`+0.5`, `-0.1`), or `–` when unknown. */
function signed(value: number | null): string {
  if (value === null) return '–';
  return value < 0 ? String(value) : `+${value}`;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

await main();
