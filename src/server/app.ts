/**
 * @module The Fastify application: hooks, the error renderer and the route table. No business rules here.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import { GatewayError } from '../core/gateway-error.js';
import { uniqueIdGenerator } from '../core/unique-id.js';
import type { ConnectionLimits, ModelConfig, RequestBounds } from '../config/types.js';
import type { ResponseStore } from '../conversation/index.js';
import type { Gateway } from '../gateway/index.js';
import type { ResponseCache } from '../cache/index.js';
import type { Admission } from '../limits/index.js';
import { RefusedRowBudget, type UsageLedger, type RequestRecords } from '../metering/index.js';
import { Pipeline, type ProviderKeyLookup } from '../pipeline/index.js';
import type { Router } from '../routing/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { requireApiKeyOnV1Routes, type KeyLookup } from './auth-hook.js';
import { closeIdleConnectionsWhileClosing } from './close-idle-connections.js';
import { fastifyConnectionOptions } from './connection-options.js';
import { handleError, renderError } from './error-handler.js';
import { handleClientError, handleFrameworkError } from './framework-errors.js';
import { registerJsonBodyParser } from './json-body.js';
import { lazyChildLoggers } from './lazy-logger.js';
import { registerRateLimitHeaders } from './rate-limit-headers.js';
import { GatewayMetrics, registerMetricsRoute } from './metrics.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerMessages } from './routes/messages.js';
import { registerModelRoutes } from './routes/models.js';
import { registerRequestLookup } from './routes/request-lookup.js';
import { registerResponseStoreRoutes } from './routes/response-store.js';
import { registerResponses } from './routes/responses.js';
import { registerRoutingExplain } from './routes/routing-explain.js';
import { registerDashboardApi, type DashboardApiDeps } from './routes/api/index.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerWebApp } from './web-app.js';

export interface AppDeps {
  models: readonly ModelConfig[];
  router: Router;
  admission: Admission;
  ledger: UsageLedger;
  /** Prometheus metrics; a fresh registry when omitted. */
  metrics?: GatewayMetrics;
  /** The accounts' own provider keys (BYOK); omitted: gateway keys only. */
  providerKeys?: ProviderKeyLookup;
  gateway: Gateway;
  keys: KeyLookup;
  /** pino options, or false for silence (tests). */
  logger: PinoLoggerOptions | false;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** Timeouts and caps of inbound connections (`server.*` in the config). */
  connections: ConnectionLimits;
  /** Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (`server.trustProxy`); empty: none. */
  trustProxy: readonly string[];
  /** What one request may make the gateway do (`requests` in the config). */
  requests: RequestBounds;
  /** The Responses API's stored conversations (`/v1/responses`, its reads and deletes). */
  responseStore: ResponseStore;
  /** The response cache; omitted: requests asking for it are answered fresh. */
  responseCache?: ResponseCache;
  /** Readiness checks for `/ready` (store reachable, Redis healthy, …); omitted: ready once listening. */
  ready?: () => Promise<Record<string, boolean>>;
  /** The dashboard's JSON API under `/api`; omitted: not served. */
  dashboard?: DashboardApiDeps;
  /** The dashboard SPA's build directory, served at `/`; omitted: no pages. */
  webDistDir?: string;
  /** OpenTelemetry tracing; omitted: off (no spans). */
  telemetry?: Telemetry;
  /** One request's ledger row by id (`GET /v1/requests/{id}`); omitted: the route is not served. */
  requestRecords?: RequestRecords;
}

/** Secrets that must never reach a log line. */
const REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'req.headers["x-csrf-token"]'];

/** Builds the app; call `listen` or `inject` on the result. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger === false ? false : { ...deps.logger, redact: REDACT },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 8 * 1024 * 1024,
    genReqId: uniqueIdGenerator('req_'),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    return503OnClosing: false,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    ...fastifyConnectionOptions(deps.connections, deps.trustProxy),
  });
  app.server.maxConnections = deps.connections.maxConnections;
  lazyChildLoggers(app);
  app.decorateRequest('apiKey', null);
  registerJsonBodyParser(app, deps.requests.maxJsonDepth);
  closeIdleConnectionsWhileClosing(app);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  requireApiKeyOnV1Routes(app, deps.keys);
  registerSecurityHeaders(app);
  registerRateLimitHeaders(app, deps.admission);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    renderError(new GatewayError(404, 'not_found', `Unknown route: ${request.method} ${request.url.split('?')[0]}`), reply),
  );

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const checks = (await deps.ready?.()) ?? {};
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  registerModelRoutes(app, deps.models, (name) => deps.router.lookup(name)?.model);
  const metrics = deps.metrics ?? new GatewayMetrics();
  registerMetricsRoute(app, metrics);
  const pipeline = new Pipeline({
    router: deps.router,
    admission: deps.admission,
    gateway: deps.gateway,
    ledger: deps.ledger,
    metrics,
    now: Date.now,
    tokenizerMaxChars: deps.requests.tokenizerMaxChars,
    refusedRows: new RefusedRowBudget(deps.requests.refusedRowsPerKeyPerMinute, Date.now),
    providerKeys: deps.providerKeys,
    cache: deps.responseCache,
    telemetry: deps.telemetry,
    requestRecords: deps.requestRecords,
  });
  registerChatCompletions(app, pipeline, deps.gateway.imageBounds);
  registerEmbeddings(app, pipeline, deps.requests);
  registerMessages(app, { pipeline, router: deps.router, imageBounds: deps.gateway.imageBounds });
  registerResponses(app, { pipeline, store: deps.responseStore, imageBounds: deps.gateway.imageBounds, now: Date.now });
  registerRoutingExplain(app, { router: deps.router, admission: deps.admission, tokenizerMaxChars: deps.requests.tokenizerMaxChars });
  registerResponseStoreRoutes(app, { store: deps.responseStore, admission: deps.admission });
  if (deps.requestRecords !== undefined) registerRequestLookup(app, { records: deps.requestRecords, admission: deps.admission });
  if (deps.dashboard !== undefined) registerDashboardApi(app, deps.dashboard);
  if (deps.webDistDir !== undefined) registerWebApp(app, deps.webDistDir);
  return app;
}
