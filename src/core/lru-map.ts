/**
 * @module A map holding at most `capacity` entries, dropping the least recently used one to make room: the bound on
 * per-tenant state kept in memory (recently used API keys, accounts whose monthly totals are loaded), so memory
 * follows the working set, not the number of keys or accounts in the database.
 *
 * A JavaScript `Map` iterates in insertion order, so re-inserting an entry on each read keeps the oldest-used entry
 * first: every operation is O(1).
 */

/** A capacity-bounded map with least-recently-used eviction. */
export class LruMap<K, V> {
  readonly capacity: number;
  readonly #entries = new Map<K, V>();
  readonly #onEvict: ((key: K, value: V) => void) | undefined;

  /**
   * @param onEvict told about each entry dropped to make room (not about `delete` or `clear`).
   * @throws {RangeError} for a capacity below 1.
   */
  constructor(capacity: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, marking it most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Whether the key is held, without marking it used. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Stores the value as most recently used, dropping the least recently used entry if the map is full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size <= this.capacity) return;
    const oldest = this.#entries.entries().next().value;
    if (oldest === undefined) return;
    this.#entries.delete(oldest[0]);
    this.#onEvict?.(oldest[0], oldest[1]);
  }

  /** Removes the entry; true if it was there. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
