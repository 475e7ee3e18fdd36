/**
 * @module Accounts' own provider keys (BYOK): decrypted with the master key, loaded at start and reloaded when
 * another process changes them (`credentials-watch.ts`).
 */
import { loadMasterKey, ProviderCredentialsService } from '../../auth/index.js';
import type { GatewayConfig, ProviderConfig } from '../../config/types.js';
import type { Store } from '../../store/index.js';
import { watchCredentials } from '../credentials-watch.js';
import type { BackgroundFailureHandler } from './background-failures.js';

export interface CredentialsService {
  credentials: ProviderCredentialsService;
  close(): void;
}

export async function startCredentials(deps: {
  store: Store;
  config: GatewayConfig;
  pollMs: number;
  failed: BackgroundFailureHandler;
}): Promise<CredentialsService> {
  const { store, config } = deps;
  const { cipher } = loadMasterKey({ envValue: config.masterKey, dataDir: config.dataDir });
  const credentials = new ProviderCredentialsService({ db: store.db, cipher, formats: providerKeyFormats(config.providers) });
  await credentials.load();
  const stopWatch = watchCredentials({
    dataVersion: () => store.dataVersion(),
    reload: () => credentials.load(),
    intervalMs: deps.pollMs,
    onError: deps.failed('provider_credentials', 'warn', 'reloading BYOK provider keys failed; retried at the next change'),
  });
  return { credentials, close: stopWatch };
}

/** The pattern BYOK keys of each configured provider must match: its `keyPattern`, else any 8+ visible characters. */
function providerKeyFormats(providers: Readonly<Record<string, ProviderConfig>>): Map<string, RegExp> {
  return new Map(Object.values(providers).map((p) => [p.id, new RegExp(p.keyPattern ?? '^\\S{8,}$')]));
}
