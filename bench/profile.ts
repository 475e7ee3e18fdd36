/**
 * `node --import tsx bench/profile.ts [--seconds N] [--stream] [--concurrency C]` (after `npm run build`): where the
 * gateway's CPU goes per request, beside the floor proxy's. Each runs under `node --cpu-prof` with c=C (default 50)
 * load from autocannon against the simulator (a 2-second warm-up, the measured run, then a second of rest before it
 * stops). Only the samples of the measured run count, so start-up, module compilation and the cold JIT do not.
 *
 * It prints the gateway's functions with the most self time, then self time by package in microseconds per request
 * for both processes side by side (our modules by folder, `node internals`, Fastify, undici, GC, …): the gap between
 * the two columns is what the gateway's work costs, and the rows say where. The profiles stay in bench/results/ for
 * Chrome DevTools.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchKey } from './lib/bench-key.js';
import { throughput, type Target } from './lib/load.js';
import { freePort, startProcess, type Running } from './lib/processes.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, stream: { type: 'boolean', default: false }, concurrency: { type: 'string', default: '50' } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const stream = values.stream === true;
const root = new URL('../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const outDir = join(root, 'bench/results');
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, benchmark! Say something short.' }] };

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds between one sample and the one before it (the first: since `startTime`). */
  timeDeltas: number[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
}

/** The rest between the end of the measured load and the process's stop, in ms. */
const REST_MS = 1000;

/** A profiled run: the measured throughput, and the frames of the samples taken during it. */
interface Measured {
  requests: number;
  requestsPerSecond: number;
  frames: ProfileNode['callFrame'][];
  /** Microseconds of the measured run each sample stands for. */
  usPerSample: number;
}

/** `node` flags writing a CPU profile per thread into `dir` (a loader thread, e.g. tsx's, writes one of its own). */
function profileFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * Loads `target` (warm-up, measured run, rest), stops its process and reads the profile it wrote to `dir` (of the
 * thread that did the work: the one with the fewest idle samples), keeping a copy as `bench/results/<name>.cpuprofile`.
 */
async function profileRun(target: Target, running: Running, dir: string): Promise<Measured> {
  await throughput(target, stream, concurrency, 2);
  const result = await throughput(target, stream, concurrency, seconds);
  await new Promise((resolve) => setTimeout(resolve, REST_MS));
  await running.stop();
  const profiles = readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8'));
  const busiest = profiles
    .map((text) => ({ text, profile: JSON.parse(text) as Profile }))
    .sort((a, b) => idleShare(a.profile) - idleShare(b.profile))[0];
  if (busiest === undefined) throw new Error(`no profile written by ${target.name}`);
  writeFileSync(join(outDir, `${target.name}.cpuprofile`), busiest.text);
  const { profile } = busiest;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The samples of the measured run: from `seconds` + the rest (and the stop's few ms) before the profile's end.
  const windowStart = profile.endTime - (seconds * 1000 + REST_MS + 50) * 1000;
  const windowEnd = profile.endTime - REST_MS * 1000;
  const frames: ProfileNode['callFrame'][] = [];
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (at >= windowStart && at <= windowEnd && frame !== undefined) frames.push(frame);
  }
  return {
    requests: Math.round(result.requestsPerSecond * seconds),
    requestsPerSecond: result.requestsPerSecond,
    frames,
    usPerSample: (seconds * 1e6) / frames.length,
  };
}

/** The share of a profile's samples that are `(idle)`. */
function idleShare(profile: Profile): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  return profile.samples.filter((id) => idle.has(id)).length / Math.max(1, profile.samples.length);
}

/** A frame's package: ours by top-level folder of `dist/`, a dependency by name, or Node / V8. */
function packageOf(frame: ProfileNode['callFrame']): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  if (dependency !== undefined) return dependency;
  if (frame.url.includes('/dist/')) return `ours: ${frame.url.replace(/^.*\/dist\//, '').split('/')[0]}`;
  if (frame.url.includes('/bench/lib/')) return 'the floor proxy itself';
  if (frame.url.startsWith('node:')) return 'node internals';
  return frame.functionName || '(native)';
}

/** Microseconds per request by package. */
function byPackage(run: Measured): Map<string, number> {
  const totals = new Map<string, number>();
  for (const frame of run.frames) totals.set(packageOf(frame), (totals.get(packageOf(frame)) ?? 0) + run.usPerSample / run.requests);
  return totals;
}

const dataDir = mkdtempSync(join(tmpdir(), 'op-profile-'));
try {
  const simPort = await freePort();
  const sim = await startProcess(process.execPath, [cli, 'simulate', '--port', String(simPort)], {}, /listening/);
  const simulatorUrl = `http://127.0.0.1:${simPort}`;

  const floorPort = await freePort();
  const floorProcess = await startProcess(
    process.execPath,
    [...profileFlags(join(dataDir, 'floor')), '--import', 'tsx', join(root, 'bench/lib/floor-proxy.ts'), String(floorPort), simulatorUrl],
    {},
    /floor listening/,
  );
  const floor = await profileRun(
    { name: 'floor', url: `http://127.0.0.1:${floorPort}/v1/chat/completions`, headers: {}, body },
    floorProcess,
    join(dataDir, 'floor'),
  );

  const key = createBenchKey([cli], { OP_DATA_DIR: join(dataDir, 'store') });
  const port = await freePort();
  const gatewayProcess = await startProcess(
    process.execPath,
    [...profileFlags(join(dataDir, 'gateway')), cli, 'serve'],
    {
      OP_DATA_DIR: join(dataDir, 'store'),
      OP_PORT: String(port),
      OP_HOST: '127.0.0.1',
      OP_LOG_LEVEL: 'warn',
      OP_OPENAI_API_KEY: 'sim',
      OP_OPENAI_BASE_URL: `${simulatorUrl}/openai/v1`,
    },
    /listening on/,
  );
  const gatewayTarget = { name: 'gateway', url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, body };
  const gateway = await profileRun(gatewayTarget, gatewayProcess, join(dataDir, 'gateway'));
  await sim.stop();

  const kind = stream ? 'stream' : 'non-stream';
  console.log(`c=${concurrency} ${kind}: floor ${Math.round(floor.requestsPerSecond)} req/s, gateway ${Math.round(gateway.requestsPerSecond)} req/s`);
  console.log('\ngateway, top self time:');
  const self = new Map<string, number>();
  for (const frame of gateway.frames) {
    const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
    const label = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    self.set(label, (self.get(label) ?? 0) + 1);
  }
  for (const [label, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * count) / gateway.frames.length).toFixed(1).padStart(5)} %  ${label}`);
  }
  // (idle) is time the process waited with nothing to do, not work: it is shown, and left out of the totals.
  const floorPackages = byPackage(floor);
  const gatewayPackages = byPackage(gateway);
  const rows = [...new Set([...gatewayPackages.keys(), ...floorPackages.keys()])].sort(
    (a, b) => (gatewayPackages.get(b) ?? 0) - (gatewayPackages.get(a) ?? 0),
  );
  const total = (packages: Map<string, number>): number => [...packages].reduce((sum, [name, us]) => (name === '(idle)' ? sum : sum + us), 0);
  console.log('\nself time by package, µs per request:');
  console.log(`${'floor'.padStart(9)} ${'gateway'.padStart(9)}  package`);
  for (const name of rows.slice(0, 30)) {
    console.log(`${(floorPackages.get(name) ?? 0).toFixed(1).padStart(9)} ${(gatewayPackages.get(name) ?? 0).toFixed(1).padStart(9)}  ${name}`);
  }
  console.log(`${total(floorPackages).toFixed(1).padStart(9)} ${total(gatewayPackages).toFixed(1).padStart(9)}  total, (idle) excluded`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
