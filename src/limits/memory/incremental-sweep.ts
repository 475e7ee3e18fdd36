/**
 * @module Drops idle entries from a map a few at a time, so no single request pays for a pass over every account.
 * Each call resumes where the previous one stopped; a full pass takes `map.size / budget` calls.
 */

/** A resumable walk over `map` that deletes the entries `isIdle` says are idle. */
export class IncrementalSweep<K, V> {
  readonly #map: Map<K, V>;
  #cursor: Iterator<[K, V]> | undefined;

  constructor(map: Map<K, V>) {
    this.#map = map;
  }

  /** Examines up to `budget` entries; true when this call finished a pass over the whole map. */
  step(budget: number, isIdle: (value: V) => boolean): boolean {
    this.#cursor ??= this.#map.entries();
    for (let examined = 0; examined < budget; examined += 1) {
      const next = this.#cursor.next();
      if (next.done === true) {
        this.#cursor = undefined;
        return true;
      }
      const [key, value] = next.value;
      if (isIdle(value)) this.#map.delete(key);
    }
    return false;
  }

  /** Starts the next `step` from the beginning of the map. */
  restart(): void {
    this.#cursor = undefined;
  }
}
