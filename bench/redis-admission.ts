/**
 * Benchmark (not a test): the cost of one admission + settle through the Redis limiter backend on loopback.
 *
 * 1,000 accounts with a key each (spend caps set, so every stage runs), round-robin, through `Admission` as the
 * gateway calls it; the scripts read Redis TIME, as in production. Each configuration warms up, then runs timed
 * rounds at concurrency 1 (one request at a time: the latency one admission adds) and 32 (throughput when
 * requests overlap). It also measures the same through `FallbackLimiterBackend`, which the gateway wraps around it.
 * Keys go under a random `op-bench:` prefix, deleted at the end.
 *
 * Run: node --import tsx bench/redis-admission.ts [iterations] [redis-url]
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { deletePrefix } from '../src/cluster/testing.js';
import { Admission, type AdmitInput, type LimiterBackend } from '../src/limits/index.js';
import { FallbackLimiterBackend, RedisLimiterBackend } from '../src/limits/redis/index.js';
import { admissionInputs, timeRounds } from './lib/admission-bench.js';

const ACCOUNTS = 1000;
const WARMUP = 20_000;
const ITERATIONS = Number(process.argv[2] ?? 50_000);
const URL = process.argv[3] ?? 'redis://127.0.0.1:6379';
const ROUNDS = 5;

const plans = { pro: { rpm: 1_000_000, tpm: 1_000_000_000, concurrent: 1000, included_tokens: 1e15 } };
const inputs = admissionInputs(ACCOUNTS);

/** Runs `count` admit + settle pairs on `concurrency` workers; returns wall µs per pair and mean µs per pair. */
async function run(admission: Admission, count: number, concurrency: number): Promise<{ perOpUs: number; latencyUs: number }> {
  let next = 0;
  let latencyTotal = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const begun = performance.now();
      const ticket = await admission.admit(inputs[i % ACCOUNTS] as AdmitInput);
      await ticket.settle({ totalTokens: 800, costUsd: 0.0061 });
      latencyTotal += performance.now() - begun;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perOpUs: ((performance.now() - started) * 1000) / count, latencyUs: (latencyTotal * 1000) / count };
}

let degradations = 0;

async function measure(name: string, backend: LimiterBackend, concurrency: number): Promise<void> {
  degradations = 0;
  const admission = new Admission({ backend, plans });
  await run(admission, WARMUP, concurrency);
  const rounds = await timeRounds(ROUNDS, () => run(admission, Math.round(ITERATIONS / ROUNDS), concurrency));
  const perOp = rounds.mean((r) => r.perOpUs);
  const best = rounds.best((r) => r.perOpUs);
  console.log(
    `  ${name.padEnd(9)} c=${String(concurrency).padEnd(3)} ${perOp.toFixed(1).padStart(6)} µs/op wall ` +
      `(${Math.round(1e6 / perOp).toLocaleString('en-US')} ops/s, best round ${best.toFixed(1)}), ` +
      `latency ${rounds.mean((r) => r.latencyUs).toFixed(1)} µs per admit+settle` +
      (degradations > 0 ? ` [went degraded ${degradations}× — a Redis call exceeded its deadline]` : ''),
  );
}

const redis = new Redis(URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();
const prefix = `op-bench:${randomUUID().slice(0, 8)}`;
try {
  console.log(`redis admission: admit + settle through Admission, ${ITERATIONS} ops after ${WARMUP} warm-up, ${ACCOUNTS} accounts, ${URL}`);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`  machine: ${cpus().length} CPUs, load average ${load} (loopback figures scale with contention)`);
  const started = performance.now();
  for (let i = 0; i < 10_000; i += 1) await redis.ping();
  const pingUs = ((performance.now() - started) * 1000) / 10_000;
  console.log(`  floor: 2 PING round trips = ${(2 * pingUs).toFixed(1)} µs (admit + settle are two round trips)`);
  const direct = new RedisLimiterBackend({ redis, prefix });
  const wrapped = new FallbackLimiterBackend({
    primary: new RedisLimiterBackend({ redis, prefix }),
    instances: 2,
    onDegradedChange: (degraded) => {
      if (degraded) degradations += 1;
    },
  });
  for (const concurrency of [1, 32]) {
    await measure('redis', direct, concurrency);
    await measure('fallback', wrapped, concurrency);
  }
  await wrapped.flush();
} finally {
  await deletePrefix(redis, prefix);
  await redis.quit();
}
