/**
 * @module The key cache's table of recently used keys: at most `capacity` records by key hash, least recently used
 * dropped first, with an index by account so that a change to one account (plan, limits, cap) drops exactly its
 * keys' records and nothing else.
 */
import { LruMap } from '../core/lru-map.js';
import type { CachedKey } from './key-record.js';

/** Recently used keys by hash, indexed by account. */
export class KeyRecordTable {
  readonly #byHash: LruMap<string, CachedKey>;
  readonly #byAccount = new Map<string, Set<string>>();

  constructor(capacity: number) {
    this.#byHash = new LruMap(capacity, (hash, entry) => this.#unindex(hash, entry));
  }

  get size(): number {
    return this.#byHash.size;
  }

  get capacity(): number {
    return this.#byHash.capacity;
  }

  /** The entry for a hash, marking it recently used. */
  get(hash: string): CachedKey | undefined {
    return this.#byHash.get(hash);
  }

  set(hash: string, entry: CachedKey): void {
    this.deleteKey(hash);
    this.#byHash.set(hash, entry);
    const accountId = entry.record.accountId;
    let hashes = this.#byAccount.get(accountId);
    if (hashes === undefined) {
      hashes = new Set();
      this.#byAccount.set(accountId, hashes);
    }
    hashes.add(hash);
  }

  deleteKey(hash: string): void {
    const entry = this.#byHash.get(hash);
    if (entry === undefined) return;
    this.#byHash.delete(hash);
    this.#unindex(hash, entry);
  }

  /** Drops every record of the account. */
  deleteAccount(accountId: string): void {
    const hashes = this.#byAccount.get(accountId);
    if (hashes === undefined) return;
    this.#byAccount.delete(accountId);
    for (const hash of hashes) this.#byHash.delete(hash);
  }

  clear(): void {
    this.#byHash.clear();
    this.#byAccount.clear();
  }

  #unindex(hash: string, entry: CachedKey): void {
    const hashes = this.#byAccount.get(entry.record.accountId);
    if (hashes === undefined) return;
    hashes.delete(hash);
    if (hashes.size === 0) this.#byAccount.delete(entry.record.accountId);
  }
}
