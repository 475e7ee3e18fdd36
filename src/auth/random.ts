/** @module Uniformly random base62 strings from the OS CSPRNG. */
import { randomBytes } from 'node:crypto';

/** The 62 characters: digits, upper case, lower case. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The largest multiple of 62 that fits in a byte (4 × 62). Bytes at or above it are discarded so that
 * `byte % 62` is uniform: 256 is not a multiple of 62, and keeping them would favour the first 8 characters.
 */
const REJECTION_LIMIT = 248;

/** `length` characters drawn uniformly from {@link BASE62_ALPHABET} (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // About 3% of bytes are rejected; asking for a little extra usually finishes in one draw.
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.1) + 2);
    for (const byte of bytes) {
      if (byte >= REJECTION_LIMIT) continue;
      out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
