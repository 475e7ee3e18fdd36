/**
 * The benchmark harness runs end to end and reports (`npm run bench -- --smoke`). It asserts only that a report
 * with every target and scenario was written — never a timing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, it } from 'node:test';

const out = mkdtempSync(join(tmpdir(), 'op-bench-smoke-'));
after(() => rmSync(out, { recursive: true, force: true }));

it('runs every scenario and the soak against direct, floor, gateway and cluster mode and writes the report with the targets', async () => {
  const script = new URL('../bench/run.ts', import.meta.url).pathname;
  await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--smoke', '--out', out], { timeout: 120_000 });
  const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
    results: Array<{ target: string; scenario: string; concurrency: number; errors: number }>;
    soak: { errors: number; requestsPerSecond: number; lastTenthRssMb: number; restedRssMb: number } | null;
    clusterSkipped: string | null;
    targets: Array<{ name: string; measured: number | null; met: boolean | null }>;
  };
  // Cluster mode needs PostgreSQL and Redis: measured whenever they are up, and always under CI.
  if (process.env.CI === 'true') assert.equal(report.clusterSkipped, null);
  const rows = report.results.map((r) => `${r.target}/${r.scenario}/${r.concurrency}`);
  assert.deepEqual(rows, [
    'direct/non-stream/1',
    'direct/non-stream/50',
    'direct/stream/1',
    'direct/stream/50',
    'floor/non-stream/1',
    'floor/non-stream/50',
    'floor/stream/1',
    'floor/stream/50',
    'gateway/non-stream/1',
    'gateway/non-stream/50',
    'gateway/stream/1',
    'gateway/stream/50',
    'direct/embeddings/1',
    'direct/embeddings/50',
    'gateway/embeddings/1',
    'gateway/embeddings/50',
    'gateway/responses/1',
    'gateway/responses/50',
    'gateway/responses-stored/1',
    'gateway/messages/1',
    'gateway/messages/50',
    'gateway/cache-hit/1',
    'gateway/cache-hit/50',
    'gateway/cache-hit-stream/1',
    ...(report.clusterSkipped === null ? ['gateway (cluster)/non-stream/1', 'gateway (cluster)/non-stream/50'] : []),
  ]);
  const measuredTargets = report.targets.filter((t) => t.measured !== null).map((t) => t.name);
  assert.equal(measuredTargets.length, report.clusterSkipped === null ? 10 : 9, JSON.stringify(report.targets));
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /\| target \(issue 22\) \| measured \| bound \| met \|/);
  assert.ok(
    report.results.every((r) => r.errors === 0),
    JSON.stringify(report.results),
  );
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /\| gateway \| stream \| 50 \|/);
  assert.equal(report.soak?.errors, 0);
  assert.ok((report.soak?.requestsPerSecond ?? 0) > 0 && (report.soak?.restedRssMb ?? 0) > 0, JSON.stringify(report.soak));
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /Soak, 1 s at c=50/);
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /\| gateway \| cache-hit \| 50 \|/);
});
