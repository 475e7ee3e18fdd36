/**
 * @module What the key cache reads from the store, as one small interface: a key by hash (on a miss), the stream of
 * stored key hashes (for its filter) and the change notices. Production adapts a {@link Store} with
 * {@link keySourceOf}; unit tests pass a fake that counts its queries.
 */
import { countKeys, listActiveKeysWithAccounts, listKeyHashes, type ActiveKeyRow, type KeyChangeFeed, type Store } from '../store/index.js';
import type { KeyHashSource } from './key-filter.js';

/** The key cache's view of the store. */
export interface KeySource extends KeyHashSource {
  /** The key with this hash if it is usable at `nowIso`, joined with its account. One indexed query. */
  find(hash: string, nowIso: string): Promise<ActiveKeyRow | undefined>;
  readonly changes: KeyChangeFeed;
}

/** The store's repositories as a {@link KeySource}. */
export function keySourceOf(store: Pick<Store, 'db' | 'keyChanges'>): KeySource {
  return {
    find: async (hash, at) => (await listActiveKeysWithAccounts(store.db, at, [hash]))[0],
    countKeys: () => countKeys(store.db),
    hashPage: (afterHash, limit) => listKeyHashes(store.db, afterHash, limit),
    changes: store.keyChanges,
  };
}
