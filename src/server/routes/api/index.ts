/**
 * @module The dashboard's JSON API under `/api` (contract: docs/dashboard-api.md). One encapsulated Fastify
 * context holds it, so its hooks (session, CSRF, `Cache-Control: no-store`) and its lenient JSON parser (an empty
 * body is no body, for bodiless POSTs such as logout and revoke) apply to `/api` only.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  createAccountsService,
  createKeysService,
  createSessionService,
  DashboardThrottles,
  MemoryAttemptLog,
  type ProviderCredentialsService,
  type SessionService,
} from '../../../auth/index.js';
import type { ModelConfig, PlanConfig } from '../../../config/types.js';
import type { Store } from '../../../store/index.js';
import { registerAccountRoutes } from './account.js';
import { registerCatalogRoutes } from './catalog.js';
import type { DashboardContext, ProviderKeyTester } from './context.js';
import { registerKeyRoutes } from './keys.js';
import { registerProviderKeyRoutes } from './provider-keys.js';
import { registerSessionHooks } from './session.js';
import type { StatusReport } from './status.js';
import { registerUsageRoutes } from './usage.js';

export type { ProviderKeyTester } from './context.js';
export { createStatusProvider } from './status.js';
export type { ProviderStatus, StatusReport, StatusSources } from './status.js';
export { SESSION_COOKIE } from './session.js';

/** What the dashboard API needs from the rest of the gateway. */
export interface DashboardApiDeps {
  store: Pick<Store, 'db'>;
  /** Told about key changes (create, rotate, revoke, routing or cap changes) so `/v1` sees them at once. */
  keyCache: { invalidate(): Promise<void> };
  credentials: ProviderCredentialsService;
  plans: Readonly<Record<string, PlanConfig>>;
  models: readonly ModelConfig[];
  /** The public provider status; see `createStatusProvider`. */
  status: () => StatusReport;
  /** Checks a provider key against the provider for `test: true`; without it such requests get a 400. */
  testProviderKey?: ProviderKeyTester;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Defaults to sessions in the store on `now`. */
  sessions?: SessionService;
  /** Defaults to the default limits (`DASHBOARD_THROTTLE_DEFAULTS`) in this process's memory, on `now`. */
  throttles?: DashboardThrottles;
  /** API keys (not revoked) an account may hold at once; defaults to the keys service's 100. */
  maxKeysPerAccount?: number;
}

/** Registers `/api/*` (and the cookie plugin it relies on). */
export function registerDashboardApi(app: FastifyInstance, deps: DashboardApiDeps): void {
  const db = deps.store.db;
  const onChange = (): Promise<void> => deps.keyCache.invalidate();
  const clock = (): Date => new Date(deps.now());
  const ctx: DashboardContext = {
    db,
    accounts: createAccountsService({ db, now: clock, onChange }),
    keys: createKeysService({
      db,
      now: clock,
      onChange,
      ...(deps.maxKeysPerAccount === undefined ? {} : { maxKeysPerAccount: deps.maxKeysPerAccount }),
    }),
    sessions: deps.sessions ?? createSessionService({ db, now: deps.now }),
    throttles: deps.throttles ?? new DashboardThrottles(new MemoryAttemptLog({ now: deps.now })),
    credentials: deps.credentials,
    testProviderKey: deps.testProviderKey,
    plans: deps.plans,
    models: deps.models,
    status: deps.status,
    now: deps.now,
  };
  // Typed as an async plugin so that register's async overload (the one Fastify awaits) is the one that applies.
  const dashboardApi: FastifyPluginAsync = async (api) => {
    // Cookies are the dashboard's alone: registered here, their hook does not run on the /v1 hot path.
    await api.register(fastifyCookie);
    const json = api.getDefaultJsonParser('error', 'error');
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text === '') {
        done(null, undefined);
        return;
      }
      // Callback-style: it calls done and returns nothing (its type also allows an async parser's Promise).
      void json(request, text, done);
    });
    api.addHook('onRequest', async function noStore(_request, reply) {
      reply.header('cache-control', 'no-store');
    });
    registerSessionHooks(api, ctx.sessions);
    registerAccountRoutes(api, ctx);
    registerKeyRoutes(api, ctx);
    registerProviderKeyRoutes(api, ctx);
    registerUsageRoutes(api, ctx);
    registerCatalogRoutes(api, ctx);
  };
  app.register(dashboardApi, { prefix: '/api' });
}
