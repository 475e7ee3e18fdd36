/**
 * @module The response cache on the shared cache store. A store that fails (Redis slow or gone) only costs hits:
 * requests are answered without it, and the log says so at most once a minute.
 */
import { ResponseCache, type CacheStore } from '../../cache/index.js';
import type { GatewayConfig } from '../../config/types.js';
import type { DeferredLog } from './deferred-log.js';

export function createResponseCache(deps: { config: GatewayConfig; store: CacheStore; log: DeferredLog }): ResponseCache {
  return new ResponseCache({
    store: deps.store,
    lifetimes: deps.config.cache,
    maxEntryBytes: deps.config.cache.maxEntryBytes,
    onError: deps.log.throttledWarning('response cache unavailable: answering without it'),
  });
}
