/**
 * @module The composition root: open the store, run migrations, load keys, start the simulator for providers
 * without a key when asked, build the gateway and listen. `originalpoint serve` and the integration tests use it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import {
  KeyCache,
  keySourceOf,
  ProviderCredentialsService,
  createAccountsService,
  createKeysService,
  createSessionService,
  DashboardThrottles,
  loadMasterKey,
} from '../auth/index.js';
import type { GatewayConfig, ProviderConfig } from '../config/types.js';
import { ResponseCache } from '../cache/index.js';
import { ResponseStore, startPurgeSchedule } from '../conversation/index.js';
import { uniqueIdGenerator } from '../core/unique-id.js';
import { Gateway, ImageFetcher, UpstreamClient } from '../gateway/index.js';
import { Admission, MonthlySeeder } from '../limits/index.js';
import { createStoreUsageSink, loadMonthlyCharge, RequestRecords, UsageWriter } from '../metering/index.js';
import { Catalog, Router } from '../routing/index.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { startTelemetry, type Telemetry } from '../telemetry/index.js';
import { findUsageByRequestId, migrateToLatest, openStore, type Store } from '../store/index.js';
import { sql } from 'kysely';
import { buildApp } from './app.js';
import { watchCredentials } from './credentials-watch.js';
import { createSharedState } from './shared-state.js';
import { type BackgroundTask, GatewayMetrics } from './metrics.js';
import { createProviderKeyTester } from './provider-key-tester.js';
import { createStatusProvider } from './routes/api/index.js';

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

export const DEMO_EMAIL = 'demo@originalpoint.local';

/** How often each instance deletes stored responses past their retention (they are unreadable from expiry on). */
const RESPONSE_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** The dashboard build, relative to this file in `src/server/` and in `dist/server/` alike. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Starts a gateway and resolves once it is listening. */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { config } = options;
  const simulator = options.simulate && hasUnkeyedProvider(config) ? await startSimulator({ host: '127.0.0.1', port: 0 }) : undefined;
  const { providers, simulated } =
    simulator === undefined ? { providers: config.providers, simulated: [] } : simulateProviders(config, simulator.url);

  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  await migrateToLatest(store.db);
  // Background work that fails is retried by its owner, counted in /metrics, and logged once the app's logger exists.
  const metrics = new GatewayMetrics();
  let log: FastifyBaseLogger | undefined;
  const backgroundFailed =
    (task: BackgroundTask, level: 'warn' | 'error', message: string) =>
    (error: unknown): void => {
      metrics.backgroundFailure(task);
      log?.[level]({ err: error }, message);
    };
  // Listening for key changes starts now; the filter of key hashes is built once the gateway listens (key-cache.ts).
  const keys = new KeyCache(keySourceOf(store), {
    capacity: config.keys.cacheSize,
    onError: backgroundFailed('key_cache', 'warn', 'key cache: building its filter or reading changes failed; retrying'),
  });
  await keys.listen();
  keys.startWatching(options.keyPollMs ?? 250);
  const demoKey = options.seedDemo ? await seedDemo(store, keys, config.dataDir) : undefined;
  const { cipher } = loadMasterKey({ envValue: config.masterKey, dataDir: config.dataDir });
  const credentials = new ProviderCredentialsService({ db: store.db, cipher, formats: providerKeyFormats(config.providers) });
  await credentials.load();
  const stopCredentialsWatch = watchCredentials({
    dataVersion: () => store.dataVersion(),
    reload: () => credentials.load(),
    intervalMs: options.keyPollMs ?? 250,
    onError: backgroundFailed('provider_credentials', 'warn', 'reloading BYOK provider keys failed; retried at the next change'),
  });
  const sessions = createSessionService({
    db: store.db,
    now: Date.now,
    ttlMs: config.sessions.maxAgeMs,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    touchIntervalMs: config.sessions.touchIntervalMs,
  });
  await sessions.sweep();

  const shared = await createSharedState(config, options.logger === false ? false : (options.logger.level ?? 'info'));
  // Each account's and key's charges of the month are read from the ledger on first use, not all at start.
  const seeder = new MonthlySeeder({ backend: shared.limiter, load: (scope, nowMs) => loadMonthlyCharge(store.db, scope, nowMs), now: Date.now });
  const admission = new Admission({
    backend: shared.limiter,
    plans: config.plans,
    seeder,
    ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
  });
  const ledger = new UsageWriter({
    sink: createStoreUsageSink(store),
    onError: backgroundFailed('usage_ledger', 'error', 'writing usage rows failed; retrying (rows wait in memory, the oldest dropped when full)'),
  });

  const catalog = new Catalog(config.models, providers, new Set(), config.modelAliases);
  const { health, breakers } = shared;
  const router = new Router({ catalog, health, breakers, now: Date.now, random: Math.random });
  const client = new UpstreamClient(config.timeouts);
  const images = new ImageFetcher(config.requests);
  metrics.observeKeyCache(() => keys.stats());
  metrics.observeLedger(() => ledger.stats());
  const gateway = new Gateway({
    client,
    now: Date.now,
    generateId: uniqueIdGenerator('chatcmpl-'),
    images,
    eventGapMs: config.timeouts.idleMs,
    onOutcome: (candidate, outcome) => {
      metrics.attempt(candidate, outcome);
      // An account's own key failing says nothing about the provider's health for everyone else.
      if (candidate.byok !== true) router.report(candidate, outcome);
    },
  });
  const dashboard = {
    store,
    keyCache: keys,
    credentials,
    sessions,
    throttles: new DashboardThrottles(shared.attempts, config.throttles),
    maxKeysPerAccount: config.throttles.keysPerAccount,
    plans: config.plans,
    models: config.models,
    status: createStatusProvider({ providers, models: config.models, simulated, health, breakers, now: Date.now }),
    testProviderKey: createProviderKeyTester({
      gateway: new Gateway({ client, now: Date.now, generateId: uniqueIdGenerator('chatcmpl-'), images }),
      providers,
      models: config.models,
    }),
    now: Date.now,
  };
  const responseStore = new ResponseStore({ db: store.db, now: Date.now, ...config.responses });
  // A cache store that fails (Redis slow or gone) only costs hits: said in the log at most once a minute.
  let cacheWarnedAt = 0;
  const responseCache = new ResponseCache({
    store: shared.cacheStore,
    lifetimes: config.cache,
    maxEntryBytes: config.cache.maxEntryBytes,
    onError: (error) => {
      if (Date.now() - cacheWarnedAt < 60_000) return;
      cacheWarnedAt = Date.now();
      app.log.warn({ err: error }, 'response cache unavailable: answering without it');
    },
  });
  // A collector that is down loses spans, never requests: said in the log at most once a minute.
  let exportWarnedAt = 0;
  const telemetry = await startTelemetry(config.telemetry, {
    onExportError: (error) => {
      if (Date.now() - exportWarnedAt < 60_000) return;
      exportWarnedAt = Date.now();
      app.log.warn({ err: error }, 'OpenTelemetry: exporting spans failed; spans are being dropped');
    },
  });
  const webDistDir = options.webDistDir === false ? undefined : (options.webDistDir ?? DEFAULT_WEB_DIST);
  const ready = async (): Promise<Record<string, boolean>> => ({
    store: await sql`select 1`.execute(store.db).then(
      () => true,
      () => false,
    ),
    redis: shared.redisHealthy(),
  });
  const app = buildApp({
    models: config.models,
    requests: config.requests,
    router,
    admission,
    ledger,
    metrics,
    providerKeys: credentials,
    gateway,
    keys,
    logger: options.logger,
    dashboard,
    webDistDir,
    ready,
    connections: config.connections,
    trustProxy: config.trustProxy,
    responseStore,
    responseCache,
    telemetry,
    requestRecords: new RequestRecords({
      findPending: (requestId) => ledger.findPending(requestId),
      readStored: (accountId, requestId) => findUsageByRequestId(store.db, accountId, requestId),
    }),
  });
  log = app.log;
  const responsePurge = startPurgeSchedule({
    store: responseStore,
    intervalMs: RESPONSE_PURGE_INTERVAL_MS,
    now: Date.now,
    onError: backgroundFailed('response_purge', 'error', 'purging expired stored responses failed'),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  keys.buildFilter();
  const url = address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');

  return {
    url,
    app,
    store,
    keys,
    credentials,
    simulator,
    simulated,
    demoKey,
    ledger,
    admission,
    responseStore,
    telemetry,
    async close() {
      await app.close();
      await telemetry?.shutdown();
      await responsePurge.stop();
      await ledger.close();
      await admission.settled();
      await shared.close();
      keys.stop();
      stopCredentialsWatch();
      await client.close();
      await images.close();
      await simulator?.close();
      await store.close();
    },
  };
}

/** The pattern BYOK keys of each configured provider must match: its `keyPattern`, else any 8+ visible characters. */
function providerKeyFormats(providers: Readonly<Record<string, ProviderConfig>>): Map<string, RegExp> {
  return new Map(Object.values(providers).map((p) => [p.id, new RegExp(p.keyPattern ?? '^\\S{8,}$')]));
}

function hasUnkeyedProvider(config: GatewayConfig): boolean {
  return Object.values(config.providers).some((p) => !p.apiKey);
}

/** Points every provider without a key at the simulator, under its own path prefix. */
function simulateProviders(config: GatewayConfig, simulatorUrl: string): { providers: Record<string, ProviderConfig>; simulated: string[] } {
  const providers: Record<string, ProviderConfig> = {};
  const simulated: string[] = [];
  for (const [id, provider] of Object.entries(config.providers)) {
    if (provider.apiKey) {
      providers[id] = provider;
      continue;
    }
    const baseUrl = provider.format === 'openai' ? `${simulatorUrl}/${id}/v1` : `${simulatorUrl}/${id}`;
    providers[id] = { ...provider, baseUrl, apiKey: 'simulated' };
    simulated.push(id);
  }
  return { providers, simulated };
}

/** First start: a demo account and key. Later starts: the key saved then, if it still exists. */
async function seedDemo(store: Store, keys: KeyCache, dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'demo-key.txt');
  const accounts = createAccountsService({ db: store.db });
  if (await accounts.findAccountByEmail(DEMO_EMAIL)) {
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  }
  await accounts.createAccount({ email: DEMO_EMAIL, plan: 'pro' });
  const created = await createKeysService({ db: store.db, onChange: () => keys.invalidate() }).createKey({ email: DEMO_EMAIL, name: 'demo' });
  writeFileSync(file, `${created.secret}\n`, { mode: 0o600 });
  return created.secret;
}
