/**
 * @module The store, migrated to the latest schema before anything reads it.
 */
import type { GatewayConfig } from '../../config/types.js';
import { migrateToLatest, openStore, type Store } from '../../store/index.js';

/** Opens the configured store (SQLite in `dataDir`, or PostgreSQL) and runs pending migrations. */
export async function openStoreAtLatest(config: Pick<GatewayConfig, 'dataDir' | 'databaseUrl'>): Promise<Store> {
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  await migrateToLatest(store.db);
  return store;
}
