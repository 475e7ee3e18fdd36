/**
 * @module `/metrics` shows what background work would otherwise hide: failures by task, and the usage ledger's
 * backlog, drops and failed writes as the ledger counts them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageLedgerStats } from '../metering/ledger.js';
import { GatewayMetrics } from './metrics.js';

test('background failures are counted by task', async () => {
  const metrics = new GatewayMetrics();
  metrics.backgroundFailure('usage_ledger');
  metrics.backgroundFailure('usage_ledger');
  metrics.backgroundFailure('key_cache');
  const text = await metrics.registry.metrics();
  assert.match(text, /^op_background_failures_total\{task="usage_ledger"\} 2$/m);
  assert.match(text, /^op_background_failures_total\{task="key_cache"\} 1$/m);
});

test("the ledger's backlog, drops and failed writes are read at each scrape", async () => {
  const metrics = new GatewayMetrics();
  const stats: UsageLedgerStats = { written: 0, pending: 7, dropped: 3, failures: 2 };
  metrics.observeLedger(() => stats);
  let text = await metrics.registry.metrics();
  assert.match(text, /^op_ledger_pending_rows 7$/m);
  assert.match(text, /^op_ledger_rows_dropped_total 3$/m);
  assert.match(text, /^op_ledger_write_failures_total 2$/m);

  Object.assign(stats, { pending: 0, dropped: 5, failures: 4 });
  text = await metrics.registry.metrics();
  assert.match(text, /^op_ledger_pending_rows 0$/m);
  assert.match(text, /^op_ledger_rows_dropped_total 5$/m);
  assert.match(text, /^op_ledger_write_failures_total 4$/m);
});
