/**
 * @module Background work that fails (the key cache's reads, the ledger's writes, …) is retried by its owner; here it
 * is counted in `/metrics` and logged.
 */
import type { BackgroundTask, GatewayMetrics } from '../metrics.js';
import type { DeferredLog } from './deferred-log.js';

/** Builds the `onError` of one background task. */
export type BackgroundFailureHandler = (task: BackgroundTask, level: 'warn' | 'error', message: string) => (error: unknown) => void;

export function backgroundFailures(metrics: GatewayMetrics, log: DeferredLog): BackgroundFailureHandler {
  return (task, level, message) => (error) => {
    metrics.backgroundFailure(task);
    log.write(level, error, message);
  };
}
