/**
 * @module Prometheus metrics at `GET /metrics`: requests by model, provider and status, the gateway's own overhead
 * per request (time not spent waiting on an upstream), upstream latency and failures by provider and model, the
 * health of background work (failures by task, the usage ledger's backlog and drops), and Node's process metrics.
 * Labels are bounded: catalog model ids, provider ids, HTTP statuses and the fixed {@link BackgroundTask} names.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeyCacheStats } from '../auth/index.js';
import type { UsageLedgerStats } from '../metering/index.js';
import type { Candidate, AttemptOutcome } from '../routing/index.js';

/**
 * Work the gateway does off the request path, whose failures would otherwise go unseen: reloading API keys and BYOK
 * credentials after a change, writing usage rows, purging expired stored responses.
 */
export type BackgroundTask = 'key_cache' | 'usage_ledger' | 'provider_credentials' | 'response_purge';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'op_requests_total',
    help: 'Chat completion requests by routed model, provider and response status',
    labelNames: ['model', 'provider', 'status'] as const,
    registers: [this.registry],
  });
  private readonly overhead = new Histogram({
    name: 'op_gateway_overhead_seconds',
    help: 'Time spent in the gateway per request, excluding upstream time (to the first byte for streams)',
    labelNames: ['stream'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  private readonly upstream = new Histogram({
    name: 'op_upstream_seconds',
    help: 'Upstream attempt duration (whole answer) by provider and model',
    labelNames: ['provider', 'model'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'op_upstream_errors_total',
    help: 'Failed upstream attempts by provider, model and whether a retry elsewhere could help',
    labelNames: ['provider', 'model', 'retryable'] as const,
    registers: [this.registry],
  });

  private readonly refusedRowsDropped = new Counter({
    name: 'op_refused_rows_dropped_total',
    help: 'Refused requests (4xx) not written to the ledger because their key spent its per-minute row budget',
    registers: [this.registry],
  });

  private readonly backgroundFailures = new Counter({
    name: 'op_background_failures_total',
    help: 'Failures of background work by task (each is logged and retried)',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'op_' });
  }

  /** One finished request. */
  request(model: string, provider: string, status: number, overheadMs: number, stream: boolean): void {
    this.requests.inc({ model, provider, status: String(status) });
    this.overhead.observe({ stream: stream ? 'true' : 'false' }, overheadMs / 1000);
  }

  /** A refused request answered without a ledger row (see `RefusedRowBudget`). */
  refusedRowDropped(): void {
    this.refusedRowsDropped.inc();
  }

  /**
   * Exposes the key cache's counters, read at each scrape: keys held, database lookups, keys the filter refused,
   * filter builds and its size. A filter build count that grows with key creations would be a full reload.
   */
  observeKeyCache(stats: () => KeyCacheStats): void {
    const gauge = (name: string, help: string, read: (s: KeyCacheStats) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect: function collect(this: Gauge) {
          this.set(read(stats()));
        },
      });
    };
    gauge('op_key_cache_keys', 'API keys held in memory', (s) => s.records);
    gauge('op_key_lookups', 'API keys looked up in the database since start (one per missed key, coalesced)', (s) => s.lookups);
    gauge('op_key_filter_refusals', 'Made-up API keys refused by the filter without a database lookup since start', (s) => s.refusedByFilter);
    gauge('op_key_filter_builds', 'Builds of the filter of stored key hashes since start', (s) => s.filterBuilds);
    gauge('op_key_filter_bytes', 'Memory of the filter of stored key hashes', (s) => s.filterBytes);
  }

  /** A failure of background work (also logged by the caller). */
  backgroundFailure(task: BackgroundTask): void {
    this.backgroundFailures.inc({ task });
  }

  /**
   * Exposes the usage ledger's state, read at each scrape: rows waiting to be written (a backlog that grows means the
   * store is failing or too slow), and since start the rows dropped because that backlog was full and the failed
   * batch writes.
   */
  observeLedger(stats: () => UsageLedgerStats): void {
    new Gauge({
      name: 'op_ledger_pending_rows',
      help: 'Usage rows recorded and not yet written (buffered or in a write in progress)',
      registers: [this.registry],
      collect: function collect(this: Gauge) {
        this.set(stats().pending);
      },
    });
    const counter = (name: string, help: string, read: (s: UsageLedgerStats) => number): void => {
      let reported = 0;
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect: function collect(this: Counter) {
          // The ledger keeps its own running total; the counter catches up to it.
          const total = read(stats());
          this.inc(total - reported);
          reported = total;
        },
      });
    };
    counter('op_ledger_rows_dropped_total', 'Usage rows dropped because the backlog was full while writes kept failing', (s) => s.dropped);
    counter('op_ledger_write_failures_total', 'Failed batch writes of usage rows (each is retried)', (s) => s.failures);
  }

  /** One upstream attempt's outcome (the gateway's `onOutcome`). */
  attempt(candidate: Candidate, outcome: AttemptOutcome): void {
    const labels = { provider: candidate.deployment.provider, model: candidate.model.id };
    if (outcome.ok) this.upstream.observe(labels, outcome.totalMs / 1000);
    else this.upstreamErrors.inc({ ...labels, retryable: outcome.retryable ? 'true' : 'false' });
  }
}

/** Serves the registry at `/metrics` in the Prometheus text format (no key needed, like `/health`). */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
