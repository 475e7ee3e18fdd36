/**
 * @module A Bloom filter over API-key hashes: a compact set that answers "certainly not a key" or "maybe a key".
 * The key cache holds one with every valid key's hash so that a flood of made-up keys is refused from memory:
 * only the false positives (about 1 in 100 at the sized capacity) cost a database lookup.
 *
 * Sizing (the textbook optimum): for n entries at false-positive rate p, m = −n·ln p / (ln 2)² bits and
 * k = (m/n)·ln 2 bit positions per entry: about 9.6 bits and 7 positions per key at 1 %, so 1,000,000 keys take
 * 1.2 MB. Entries cannot be removed; a revoked key's bits stay set (it then costs one lookup, like any false
 * positive) until the filter is rebuilt.
 *
 * Positions: the entries are SHA-256 hashes (hex), already uniform, so two 32-bit words of each, mixed with a
 * per-filter random salt (MurmurHash3's finaliser), give the k positions by double hashing. The salt keeps the
 * false positives of one instance from being known or computed offline by anyone probing for them.
 * @see https://en.wikipedia.org/wiki/Bloom_filter#Optimal_number_of_hash_functions
 * @see https://www.eecs.harvard.edu/~michaelm/postscripts/rsa2008.pdf (Kirsch and Mitzenmacher: two hashes suffice)
 */
import { randomFillSync } from 'node:crypto';

/** Bits and positions per entry for a capacity and false-positive rate. */
export interface BloomSize {
  readonly bits: number;
  readonly hashes: number;
}

/** The optimal size for `capacity` entries at `falsePositiveRate`. */
export function bloomSize(capacity: number, falsePositiveRate: number): BloomSize {
  if (!(capacity >= 1) || !(falsePositiveRate > 0 && falsePositiveRate < 1)) {
    throw new RangeError(`need capacity >= 1 and 0 < falsePositiveRate < 1, got ${capacity} and ${falsePositiveRate}`);
  }
  const bits = Math.max(64, Math.ceil((-capacity * Math.log(falsePositiveRate)) / Math.LN2 ** 2));
  return { bits, hashes: Math.max(1, Math.round((bits / capacity) * Math.LN2)) };
}

/** A Bloom filter of hex SHA-256 hashes (at least 16 hex digits each). */
export class BloomFilter {
  /** The number of entries it was sized for. */
  readonly capacity: number;
  readonly #bits: number;
  readonly #hashes: number;
  readonly #words: Uint32Array;
  readonly #salt: Uint32Array;
  #added = 0;

  /** @param salt two 32-bit words; random by default (tests pass their own to be deterministic). */
  constructor(capacity: number, falsePositiveRate: number, salt: Uint32Array = randomFillSync(new Uint32Array(2))) {
    const size = bloomSize(capacity, falsePositiveRate);
    this.capacity = capacity;
    this.#bits = size.bits;
    this.#hashes = size.hashes;
    this.#words = new Uint32Array(Math.ceil(size.bits / 32));
    this.#salt = salt;
  }

  /** Entries added so far that set at least one new bit: about the distinct entries held (repeats do not count). */
  get added(): number {
    return this.#added;
  }

  /** Memory the bit array takes. */
  get byteLength(): number {
    return this.#words.byteLength;
  }

  add(hash: string): void {
    const [h1, h2] = this.#seeds(hash);
    let changed = false;
    for (let i = 0; i < this.#hashes; i++) {
      const bit = (h1 + i * h2) % this.#bits;
      const word = this.#words[bit >>> 5] ?? 0;
      const mask = 1 << (bit & 31);
      if ((word & mask) !== 0) continue;
      this.#words[bit >>> 5] = word | mask;
      changed = true;
    }
    if (changed) this.#added += 1;
  }

  /** False: certainly never added. True: added, or a false positive. */
  mightContain(hash: string): boolean {
    const [h1, h2] = this.#seeds(hash);
    for (let i = 0; i < this.#hashes; i++) {
      const bit = (h1 + i * h2) % this.#bits;
      if (((this.#words[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The two base hashes: salted mixes of the entry's first two 32-bit words; the step is odd, so never 0. */
  #seeds(hash: string): [number, number] {
    const w0 = Number.parseInt(hash.slice(0, 8), 16);
    const w1 = Number.parseInt(hash.slice(8, 16), 16);
    return [mix32(w0 ^ (this.#salt[0] ?? 0)), (mix32(w1 ^ (this.#salt[1] ?? 0)) | 1) >>> 0];
  }
}

/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
