/**
 * Load generation: autocannon for throughput (c = 50), and a precise sequential loop (c = 1) timed with
 * `process.hrtime` for latency and time to first chunk, since sub-millisecond overheads need finer clocks than
 * autocannon's millisecond histogram.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScenarioResult {
  target: string;
  scenario: string;
  concurrency: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median time to the first body chunk of a stream (streaming scenarios only). */
  ttfcP50Ms: number | null;
  errors: number;
  peakRssMb: number | null;
}

/** Throughput with autocannon at `connections` for `seconds`. */
export async function throughput(
  target: Target,
  stream: boolean,
  connections: number,
  seconds: number,
): Promise<Omit<ScenarioResult, 'target' | 'scenario' | 'peakRssMb'>> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ ...target.body, ...(stream ? { stream: true } : {}) }),
    connections,
    duration: seconds,
  });
  return {
    concurrency: connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ttfcP50Ms: null,
    errors: result.errors + result.non2xx,
  };
}

/** Sequential requests for `seconds`: latency percentiles and, for streams, time to first chunk. */
export async function sequential(
  target: Target,
  stream: boolean,
  seconds: number,
): Promise<Omit<ScenarioResult, 'target' | 'scenario' | 'peakRssMb'>> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: 1 });
  const body = JSON.stringify({ ...target.body, ...(stream ? { stream: true } : {}) });
  const totals: number[] = [];
  const firsts: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  try {
    while (Date.now() < end) {
      const start = process.hrtime.bigint();
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body,
      });
      let first: bigint | undefined;
      for await (const _chunk of response.body) first ??= process.hrtime.bigint();
      const done = process.hrtime.bigint();
      if (response.statusCode !== 200) errors++;
      totals.push(Number(done - start) / 1e6);
      if (first !== undefined) firsts.push(Number(first - start) / 1e6);
    }
  } finally {
    await pool.close();
  }
  return {
    concurrency: 1,
    requestsPerSecond: totals.length / seconds,
    p50Ms: percentile(totals, 0.5),
    p99Ms: percentile(totals, 0.99),
    ttfcP50Ms: stream ? percentile(firsts, 0.5) : null,
    errors,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
