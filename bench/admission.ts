/**
 * Benchmark (not a test): the cost of one full admission + settle with the in-memory backend.
 *
 * 1,000 accounts with a key each (spend caps set, so every stage runs), round-robin; a simulated clock advances
 * 1 ms per request, so each account sees 60 requests a minute and windows are pruned as in steady state.
 *
 * Run: node --import tsx bench/admission.ts [iterations]
 */
import { performance } from 'node:perf_hooks';
import { Admission, MemoryLimiterBackend, type AdmitInput } from '../src/limits/index.js';
import { admissionInputs, timeRounds } from './lib/admission-bench.js';

const ACCOUNTS = 1000;
const WARMUP = 50_000;
const ITERATIONS = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;

const plans = { pro: { rpm: 300, tpm: 1_000_000, concurrent: 25, included_tokens: 1_000_000_000 } };
const inputs = admissionInputs(ACCOUNTS);

let clock = Date.UTC(2026, 4, 10);
const admission = new Admission({ backend: new MemoryLimiterBackend(() => clock), plans });

async function run(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    clock += 1;
    const ticket = await admission.admit(inputs[i % ACCOUNTS] as AdmitInput);
    await ticket.settle({ totalTokens: 800, costUsd: 0.0061 });
  }
}

/** Wall and CPU time of one round; CPU time is the steadier figure on a shared machine. */
async function measure(count: number): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(count);
  const used = process.cpuUsage(cpu);
  return { wallUs: ((performance.now() - started) * 1000) / count, cpuUs: (used.user + used.system) / count };
}

await run(WARMUP);
const rounds = await timeRounds(ROUNDS, () => measure(Math.round(ITERATIONS / ROUNDS)));
const best = rounds.best((r) => r.wallUs);
const wall = rounds.mean((r) => r.wallUs);
console.log(`admission (memory backend): admit + settle, ${ITERATIONS} ops across ${ACCOUNTS} accounts`);
console.log(`  mean ${wall.toFixed(2)} µs/op wall (${Math.round(1e6 / wall).toLocaleString('en-US')} ops/s)`);
console.log(`  mean ${rounds.mean((r) => r.cpuUs).toFixed(2)} µs/op CPU; best round ${best.toFixed(2)} µs/op wall`);
