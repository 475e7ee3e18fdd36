/**
 * `node --import tsx bench/profile.ts [--seconds N] [--stream]`: runs the built gateway under `node --cpu-prof` with
 * c=50 load from autocannon against the simulator, then prints the functions with the most self time. The
 * profile is kept in bench/results/ for Chrome DevTools.
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
  /** Microseconds. */
  startTime: number;
  endTime: number;
}

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
const result = await throughput(target, values.stream === true, 50, Number(values.seconds));
await gateway.stop();
await sim.stop();
rmSync(dataDir, { recursive: true, force: true });

const file = readdirSync(outDir).find((f) => f === 'gateway.cpuprofile');
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined) continue;
  const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const label = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  self.set(label, (self.get(label) ?? 0) + 1);
}
const total = profile.samples.length;
console.log(`${Math.round(result.requestsPerSecond)} req/s at c=50 (${values.stream === true ? 'stream' : 'non-stream'}); top self time:`);
for (const [label, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${label}`);
}
// The same samples by package, as microseconds of the measured run per request (startup and warm-up included).
const usPerSample = (profile.endTime - profile.startTime) / total;
const byPackage = new Map<string, number>();
for (const id of profile.samples) {
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
