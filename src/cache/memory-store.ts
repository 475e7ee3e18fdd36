/**
 * @module The response cache of a lone instance: an LRU in this process, bounded by bytes (`cache.maxBytes`), so
 * however many accounts fill it, it never holds more. A `Map` keeps insertion order: a read moves the entry to the
 * end, and the least recently used entries at the front are evicted until a new one fits. Expired entries are
 * dropped when read, and otherwise age out through the front like any unused entry.
 *
 * An entry's size is its value's UTF-8 bytes plus its key and {@link ENTRY_OVERHEAD_BYTES} for the bookkeeping: an
 * estimate of what it holds on the heap, close enough to make `maxBytes` the budget an operator expects.
 */
import type { CacheStore } from './cache-store.js';

/** What one entry costs beyond its key and value: the map slot, the record and its fields. */
export const ENTRY_OVERHEAD_BYTES = 128;

interface Entry {
  value: string;
  /** Epoch ms after which the entry is gone. */
  expiresAtMs: number;
  bytes: number;
}

/** An in-process LRU of at most `maxBytes`. */
export class MemoryCacheStore implements CacheStore {
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(options: { maxBytes: number; now: () => number }) {
    this.#maxBytes = options.maxBytes;
    this.#now = options.now;
  }

  /** Bytes held now (never above `maxBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held now, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAtMs <= this.#now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#remove(key);
    const bytes = Buffer.byteLength(value) + Buffer.byteLength(key) + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.#maxBytes || ttlMs <= 0) return;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    this.#entries.set(key, { value, expiresAtMs: this.#now() + ttlMs, bytes });
    this.#bytes += bytes;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
