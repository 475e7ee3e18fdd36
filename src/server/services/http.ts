/**
 * @module The HTTP side: the Fastify app over the started services (with `/ready`'s checks and the dashboard's
 * build directory), and listening on the configured address.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { GatewayConfig } from '../../config/types.js';
import type { StartOptions } from '../start.js';
import { type AppDeps, buildApp } from '../app.js';
import type { SharedState } from '../shared-state.js';
import type { Store } from '../../store/index.js';

/** The dashboard build, relative to this file in `src/server/services/` and in `dist/server/services/` alike. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** The app's dependencies that are not derived from the options, the store and the shared state. */
type ServiceDeps = Omit<AppDeps, 'models' | 'requests' | 'logger' | 'webDistDir' | 'ready' | 'connections' | 'trustProxy'>;

/** Builds the app; `close()` stops accepting requests and waits for those in flight. */
export function startHttpApp(
  options: StartOptions,
  store: Store,
  shared: SharedState,
  services: ServiceDeps,
): { app: FastifyInstance; close(): Promise<void> } {
  const { config } = options;
  const app = buildApp({
    ...services,
    models: config.models,
    requests: config.requests,
    logger: options.logger,
    webDistDir: options.webDistDir === false ? undefined : (options.webDistDir ?? DEFAULT_WEB_DIST),
    ready: async () => ({
      store: await sql`select 1`.execute(store.db).then(
        () => true,
        () => false,
      ),
      redis: shared.redisHealthy(),
    }),
    connections: config.connections,
    trustProxy: config.trustProxy,
  });
  return {
    app,
    async close() {
      await app.close();
    },
  };
}

/** Listens on the configured host and port; the URL to reach it from this machine (a wildcard bind as loopback). */
export async function listen(app: FastifyInstance, config: Pick<GatewayConfig, 'host' | 'port'>): Promise<string> {
  const address = await app.listen({ host: config.host, port: config.port });
  return address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
}
