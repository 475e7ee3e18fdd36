/**
 * @module What the dashboard's `/api` needs beyond the gateway's services: sessions (expired ones swept at start),
 * the login/signup/key-test throttles on the shared attempt log, the public provider status and the BYOK key tester.
 */
import { createSessionService, DashboardThrottles, type KeyCache, type ProviderCredentialsService } from '../../auth/index.js';
import type { GatewayConfig } from '../../config/types.js';
import type { Gateway } from '../../gateway/index.js';
import type { Store } from '../../store/index.js';
import { createProviderKeyTester } from '../provider-key-tester.js';
import { createStatusProvider, type DashboardApiDeps } from '../routes/api/index.js';
import type { SharedState } from '../shared-state.js';
import type { Upstreams } from './upstreams.js';

export async function startDashboard(deps: {
  config: GatewayConfig;
  store: Store;
  keys: KeyCache;
  credentials: ProviderCredentialsService;
  upstreams: Pick<Upstreams, 'providers' | 'simulated'>;
  shared: Pick<SharedState, 'health' | 'breakers' | 'attempts'>;
  /** A gateway that does not report to the router, for testing keys. */
  quietGateway: Gateway;
}): Promise<DashboardApiDeps> {
  const { config, store } = deps;
  const { providers, simulated } = deps.upstreams;
  const { health, breakers } = deps.shared;
  const sessions = createSessionService({
    db: store.db,
    now: Date.now,
    ttlMs: config.sessions.maxAgeMs,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    touchIntervalMs: config.sessions.touchIntervalMs,
  });
  await sessions.sweep();
  return {
    store,
    keyCache: deps.keys,
    credentials: deps.credentials,
    sessions,
    throttles: new DashboardThrottles(deps.shared.attempts, config.throttles),
    maxKeysPerAccount: config.throttles.keysPerAccount,
    plans: config.plans,
    models: config.models,
    status: createStatusProvider({ providers, models: config.models, simulated, health, breakers, now: Date.now }),
    testProviderKey: createProviderKeyTester({ gateway: deps.quietGateway, providers, models: config.models }),
    now: Date.now,
  };
}
