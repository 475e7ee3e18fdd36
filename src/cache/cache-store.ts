/**
 * @module Where cached answers live: one string per key, for a lifetime. One instance keeps them in memory
 * (`memory-store.ts`); instances that share Redis keep them there (`redis-store.ts`), so any instance answers what
 * another one cached. What an entry holds, and how a lookup or store failure is handled, is `response-cache.ts`'s.
 */

/** A key-value store with lifetimes. */
export interface CacheStore {
  /** The value stored under `key` and still alive, else undefined. Rejects when the store cannot be read. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`, replacing what was there. Rejects when the store cannot be written. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}
