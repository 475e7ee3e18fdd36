/**
 * @module API keys: the key cache, listening for and polling key changes made by other processes, and the demo key
 * when one is asked for. The cache's filter of key hashes is built once the gateway listens (`key-cache.ts`).
 */
import { KeyCache, keySourceOf } from '../../auth/index.js';
import type { GatewayConfig } from '../../config/types.js';
import type { Store } from '../../store/index.js';
import type { BackgroundFailureHandler } from './background-failures.js';
import { seedDemoAccount } from './demo-account.js';

export interface KeysService {
  keys: KeyCache;
  /** The demo key, when one was created or found in `demo-key.txt`. */
  demoKey: string | undefined;
  close(): void;
}

export async function startKeys(deps: {
  store: Store;
  config: GatewayConfig;
  pollMs: number;
  seedDemo: boolean;
  failed: BackgroundFailureHandler;
}): Promise<KeysService> {
  const { store, config } = deps;
  const keys = new KeyCache(keySourceOf(store), {
    capacity: config.keys.cacheSize,
    onError: deps.failed('key_cache', 'warn', 'key cache: building its filter or reading changes failed; retrying'),
  });
  await keys.listen();
  keys.startWatching(deps.pollMs);
  const demoKey = deps.seedDemo ? await seedDemoAccount(store, keys, config.dataDir) : undefined;
  return { keys, demoKey, close: () => keys.stop() };
}
