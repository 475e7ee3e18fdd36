/** @module Test support: a migrated store in a fresh temporary directory. Not used by production code. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest } from './migrate.js';
import { createStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** A temporary store and how to get rid of it. */
export interface TempStore {
  store: Store;
  dataDir: string;
  /** Closes the store and deletes the directory. */
  cleanup(): Promise<void>;
}

/** Creates a fresh data directory under the OS temp dir and opens a store there, migrated unless told not to. */
export async function openTempStore(options: { migrate?: boolean } = {}): Promise<TempStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-store-'));
  const store = createStore({ dataDir });
  if (options.migrate !== false) await migrateToLatest(store.db);
  return {
    store,
    dataDir,
    async cleanup(): Promise<void> {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
