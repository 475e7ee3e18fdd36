/**
 * @module Routing and dispatch: the catalog over the serving providers, the router on the shared health and
 * breakers, and the gateway that calls upstreams (one HTTP client and one image fetcher for every attempt).
 */
import type { GatewayConfig, ProviderConfig } from '../../config/types.js';
import { uniqueIdGenerator } from '../../core/unique-id.js';
import { Gateway, ImageFetcher, UpstreamClient } from '../../gateway/index.js';
import { Catalog, Router } from '../../routing/index.js';
import type { GatewayMetrics } from '../metrics.js';
import type { SharedState } from '../shared-state.js';

export interface DispatchService {
  router: Router;
  /** The gateway of client requests: each attempt's outcome feeds the metrics and the router's health. */
  gateway: Gateway;
  /** A gateway that reports nothing, for testing a user's provider key (see `provider-key-tester.ts`). */
  quietGateway: Gateway;
  /** Closes the upstream connections. */
  close(): Promise<void>;
}

export function startDispatch(deps: {
  config: GatewayConfig;
  providers: Record<string, ProviderConfig>;
  shared: Pick<SharedState, 'health' | 'breakers'>;
  metrics: GatewayMetrics;
}): DispatchService {
  const { config, metrics } = deps;
  const { health, breakers } = deps.shared;
  const catalog = new Catalog(config.models, deps.providers, new Set(), config.modelAliases);
  const router = new Router({ catalog, health, breakers, now: Date.now, random: Math.random });
  const client = new UpstreamClient(config.timeouts);
  const images = new ImageFetcher(config.requests);
  const base = { client, now: Date.now, generateId: uniqueIdGenerator('chatcmpl-'), images };
  const gateway = new Gateway({
    ...base,
    eventGapMs: config.timeouts.idleMs,
    onOutcome: (candidate, outcome) => {
      metrics.attempt(candidate, outcome);
      // An account's own key failing says nothing about the provider's health for everyone else.
      if (candidate.byok !== true) router.report(candidate, outcome);
    },
  });
  return {
    router,
    gateway,
    quietGateway: new Gateway(base),
    async close() {
      await client.close();
      await images.close();
    },
  };
}
