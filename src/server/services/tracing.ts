/**
 * @module OpenTelemetry tracing when configured. A collector that is down loses spans, never requests: the log says
 * so at most once a minute.
 */
import type { GatewayConfig } from '../../config/types.js';
import { startTelemetry, type Telemetry } from '../../telemetry/index.js';
import type { DeferredLog } from './deferred-log.js';

export interface TracingService {
  /** Undefined when tracing is off. */
  telemetry: Telemetry | undefined;
  /** Exports the spans still buffered. */
  close(): Promise<void>;
}

export async function startTracing(config: GatewayConfig, log: DeferredLog): Promise<TracingService> {
  const telemetry = await startTelemetry(config.telemetry, {
    onExportError: log.throttledWarning('OpenTelemetry: exporting spans failed; spans are being dropped'),
  });
  return { telemetry, close: async () => telemetry?.shutdown() };
}
