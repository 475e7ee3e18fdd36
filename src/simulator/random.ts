/**
 * @module Seeded pseudo-random numbers, so that error draws and ids repeat from run to run unless a caller
 * injects its own source.
 */

/**
 * mulberry32: a tiny 32-bit generator, plenty for fault injection and id characters (not for secrets).
 * @returns a function yielding numbers in [0, 1), like `Math.random`.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function seededRandom(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 62^5 < 2^32: one 32-bit draw yields five base62 characters. */
const FIVE_CHARS = 62 ** 5;

/** Makes random-looking base62 id bodies (e.g. the part after `chatcmpl-`) from a seeded source. */
export function createIdSource(seed: number): (length: number) => string {
  const random = createSeededRandom(seed);
  return function nextId(length: number): string {
    let id = '';
    while (id.length < length) {
      let draw = Math.floor(random() * FIVE_CHARS);
      for (let i = 0; i < 5 && id.length < length; i++) {
        id += ALPHABET.charAt(draw % 62);
        draw = Math.floor(draw / 62);
      }
    }
    return id;
  };
}
