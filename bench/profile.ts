/**
 * `node --import tsx bench/profile.ts [--seconds N] [--stream] [--path /v1/...]`: runs the built gateway under
 * `node --cpu-prof` with c=50 load from autocannon against the simulator (a 2-second warm-up, then the measured
 * run, then a second of rest before it stops), then prints the functions with the most self time and the self time
 * by package in microseconds per request. Only the samples of the measured run count, so start-up, module
 * compilation and the cold JIT do not. The profile is kept in bench/results/ for Chrome DevTools.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { throughput } from './lib/load.js';
import { freePort, startProcess } from './lib/processes.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, stream: { type: 'boolean', default: false } } });
const root = new URL('../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const outDir = join(root, 'bench/results');

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

/** The rest between the end of the measured load and the gateway's stop, in ms. */
const REST_MS = 1000;

const dataDir = mkdtempSync(join(tmpdir(), 'op-profile-'));
const simPort = await freePort();
const sim = await startProcess(process.execPath, [cli, 'simulate', '--port', String(simPort)], {}, /listening/);
const env = { ...process.env, OP_DATA_DIR: dataDir };
execFileSync(
  process.execPath,
  [cli, 'accounts', 'create', '--email', 'p@x.dev', '--plan', 'enterprise', '--rpm', '100000000', '--tpm', '100000000000', '--concurrent', '100000'],
  { env },
);
const key =
  /op_[A-Za-z0-9]+/.exec(execFileSync(process.execPath, [cli, 'keys', 'create', '--email', 'p@x.dev'], { env, encoding: 'utf8' }))?.[0] ?? '';
const port = await freePort();
const gateway = await startProcess(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${outDir}`, '--cpu-prof-name=gateway.cpuprofile', cli, 'serve'],
  {
    OP_DATA_DIR: dataDir,
    OP_PORT: String(port),
    OP_HOST: '127.0.0.1',
    OP_LOG_LEVEL: 'warn',
    OP_OPENAI_API_KEY: 'sim',
    OP_OPENAI_BASE_URL: `http://127.0.0.1:${simPort}/openai/v1`,
  },
  /listening on/,
);
const target = {
  name: 'gateway',
  url: `http://127.0.0.1:${port}/v1/chat/completions`,
  headers: { authorization: `Bearer ${key}` },
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, benchmark! Say something short.' }] },
};
await throughput(target, values.stream === true, 50, 2);
const result = await throughput(target, values.stream === true, 50, Number(values.seconds));
await new Promise((resolve) => setTimeout(resolve, REST_MS));
await gateway.stop();
await sim.stop();
rmSync(dataDir, { recursive: true, force: true });

const file = readdirSync(outDir).find((f) => f === 'gateway.cpuprofile');
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// The samples of the measured run: from `seconds` + the rest (and the stop's few ms) before the profile's end.
const windowStart = profile.endTime - (Number(values.seconds) * 1000 + REST_MS + 50) * 1000;
const measured: number[] = [];
let at = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= windowStart && at <= profile.endTime - REST_MS * 1000) measured.push(id);
}
const self = new Map<string, number>();
for (const id of measured) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined) continue;
  const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const label = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  self.set(label, (self.get(label) ?? 0) + 1);
}
const total = measured.length;
console.log(`${Math.round(result.requestsPerSecond)} req/s at c=50 (${values.stream === true ? 'stream' : 'non-stream'}); top self time:`);
for (const [label, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${label}`);
}
// The same samples by package, as microseconds of the measured run per request.
const usPerSample = (Number(values.seconds) * 1e6) / total;
const byPackage = new Map<string, number>();
for (const id of measured) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined) continue;
  const where =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ??
    (frame.url.includes('/dist/')
      ? `ours: ${frame.url.replace(/^.*\/dist\//, '').split('/')[0]}`
      : frame.url.startsWith('node:')
        ? 'node internals'
        : frame.functionName || '(native)');
  byPackage.set(where, (byPackage.get(where) ?? 0) + 1);
}
const requests = Math.round(result.requestsPerSecond * Number(values.seconds));
console.log(`\nself time by package, µs per request (${requests} requests):`);
for (const [where, count] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((count * usPerSample) / requests).toFixed(1).padStart(7)} µs  ${where}`);
}
