/**
 * @module The Fastify application: hooks, the error renderer and the route table. No business rules here.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import { GatewayError } from '../core/gateway-error.js';
import type { ModelConfig } from '../config/types.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Catalog } from '../routing/catalog.js';
import { createAuthHook, type KeyLookup } from './auth-hook.js';
import { handleError, renderError } from './error-handler.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerModelRoutes } from './routes/models.js';

export interface AppDeps {
  catalog: Catalog;
  models: readonly ModelConfig[];
  gateway: Gateway;
  keys: KeyLookup;
  /** pino options, or false for silence (tests). */
  logger: PinoLoggerOptions | false;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
}

/** Secrets that must never reach a log line. */
const REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

/** Builds the app; call `listen` or `inject` on the result. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger === false ? false : { ...deps.logger, redact: REDACT },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 8 * 1024 * 1024,
    genReqId: () => `req_${randomUUID().replace(/-/g, '')}`,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    return503OnClosing: false,
  });
  app.decorateRequest('apiKey', null);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', createAuthHook(deps.keys));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    renderError(new GatewayError(404, 'not_found', `Unknown route: ${request.method} ${request.url.split('?')[0]}`), reply),
  );

  app.get('/health', async () => ({ status: 'ok' }));
  registerModelRoutes(app, deps.models);
  registerChatCompletions(app, { catalog: deps.catalog, gateway: deps.gateway });
  return app;
}
