/**
 * @module The composition root: starts the gateway's services (`services/`, one job each) in order, listens, and
 * stops them in reverse order. `originalpoint serve` and the integration tests use it.
 */
import type { FastifyInstance } from 'fastify';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import type { KeyCache, ProviderCredentialsService } from '../auth/index.js';
import type { GatewayConfig } from '../config/types.js';
import { ResponseStore } from '../conversation/index.js';
import type { Admission } from '../limits/index.js';
import type { UsageWriter } from '../metering/index.js';
import type { Simulator } from '../simulator/index.js';
import type { Store } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { GatewayMetrics } from './metrics.js';
import { backgroundFailures } from './services/background-failures.js';
import { createResponseCache } from './services/caching.js';
import { startCredentials } from './services/credentials.js';
import { startDashboard } from './services/dashboard.js';
import { DeferredLog } from './services/deferred-log.js';
import { startDispatch } from './services/dispatch.js';
import { listen, startHttpApp } from './services/http.js';
import { startKeys } from './services/keys.js';
import { startLimits } from './services/limits.js';
import { startMetering } from './services/metering.js';
import { startResponsePurge } from './services/response-purge.js';
import { ServiceStack } from './services/service-stack.js';
import { openStoreAtLatest } from './services/store.js';
import { startTracing } from './services/tracing.js';
import { startUpstreams } from './services/upstreams.js';
import { createSharedState } from './shared-state.js';

export interface StartOptions {
  config: GatewayConfig;
  /** Serve every provider that has no API key from an in-process simulator on a loopback port. */
  simulate: boolean;
  logger: PinoLoggerOptions | false;
  /** On a store with no accounts, create a demo account and key and write the key to `<dataDir>/demo-key.txt`. */
  seedDemo: boolean;
  /** How often the key cache checks for keys changed by other processes. */
  keyPollMs?: number;
  /** The dashboard's build directory; defaults to the package's `web/dist`; false serves no pages. */
  webDistDir?: string | false;
}

export interface RunningGateway {
  url: string;
  app: FastifyInstance;
  store: Store;
  keys: KeyCache;
  /** Accounts' own provider keys (BYOK); `keysForAccount` is the per-request lookup. */
  credentials: ProviderCredentialsService;
  simulator: Simulator | undefined;
  /** Provider ids served by the simulator. */
  simulated: string[];
  /** The demo key, when one was created or found in `demo-key.txt`. */
  demoKey: string | undefined;
  /** The usage ledger writer; `flush()` makes every finished request visible in the store. */
  ledger: UsageWriter;
  /** Admission: limits, leases and the monthly spend counters. */
  admission: Admission;
  /** The Responses API's stored conversations. */
  responseStore: ResponseStore;
  /** OpenTelemetry tracing; undefined when off. `close()` exports what is left. */
  telemetry: Telemetry | undefined;
  close(): Promise<void>;
}

/**
 * Starts a gateway and resolves once it is listening. Each step starts one service (`services/`); `close()` stops
 * them in reverse order, and a step that fails stops those already started before the error is thrown.
 */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { config } = options;
  const pollMs = options.keyPollMs ?? 250;
  const services = new ServiceStack();
  try {
    const upstreams = services.add(await startUpstreams(config.providers, options.simulate));
    const store = services.add(await openStoreAtLatest(config));
    // Background failures are counted in /metrics, and logged once the app (and so its logger) exists.
    const log = new DeferredLog();
    const metrics = new GatewayMetrics();
    const failed = backgroundFailures(metrics, log);
    const { keys, demoKey } = services.add(await startKeys({ store, config, pollMs, seedDemo: options.seedDemo, failed }));
    const { credentials } = services.add(await startCredentials({ store, config, pollMs, failed }));
    const shared = services.add(await createSharedState(config, options.logger === false ? false : (options.logger.level ?? 'info')));
    const { admission } = services.add(startLimits({ store, config, backend: shared.limiter }));
    const { ledger, requestRecords } = services.add(startMetering({ store, failed }));
    metrics.observeKeyCache(() => keys.stats());
    metrics.observeLedger(() => ledger.stats());
    const { router, gateway, quietGateway } = services.add(startDispatch({ config, providers: upstreams.providers, shared, metrics }));
    const dashboard = await startDashboard({ config, store, keys, credentials, upstreams, shared, quietGateway });
    const responseStore = new ResponseStore({ db: store.db, now: Date.now, ...config.responses });
    const responseCache = createResponseCache({ config, store: shared.cacheStore, log });
    const { telemetry } = services.add(await startTracing(config, log));
    const { app } = services.add(
      startHttpApp(options, store, shared, {
        router,
        admission,
        ledger,
        metrics,
        providerKeys: credentials,
        gateway,
        keys,
        dashboard,
        responseStore,
        responseCache,
        telemetry,
        requestRecords,
      }),
    );
    log.attach(app.log);
    services.add(startResponsePurge(responseStore, failed));
    const url = await listen(app, config);
    keys.buildFilter();
    return {
      url,
      app,
      store,
      keys,
      credentials,
      simulator: upstreams.simulator,
      simulated: upstreams.simulated,
      demoKey,
      ledger,
      admission,
      responseStore,
      telemetry,
      close: () => services.close(),
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}
