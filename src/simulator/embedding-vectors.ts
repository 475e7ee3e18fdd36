/**
 * @module Deterministic embedding vectors: the same text always gives the same vector, seeded from a hash of the
 * text. Values come one after another from the seeded generator, so a shorter vector is a prefix of a longer one —
 * as with the Matryoshka-trained models (OpenAI `text-embedding-3-*`, `gemini-embedding-001`) whose cut vectors are
 * prefixes of the full one.
 */

import { createHash } from 'node:crypto';
import { createSeededRandom } from './random.js';

/** The first `size` values of the text's vector, not yet scaled (each in [-1, 1)). */
export function rawEmbedding(seedText: string, size: number): Float32Array {
  const random = createSeededRandom(createHash('sha256').update(seedText).digest().readUInt32LE(0));
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 1) values[i] = random() * 2 - 1;
  return values;
}

/** Scales `values` in place to unit length. */
export function toUnitLength(values: Float32Array): Float32Array {
  let sum = 0;
  for (const value of values) sum += value * value;
  const scale = sum === 0 ? 0 : 1 / Math.sqrt(sum);
  for (let i = 0; i < values.length; i += 1) values[i] = (values[i] ?? 0) * scale;
  return values;
}

/** Base64 of the values as little-endian float32, OpenAI's `encoding_format: "base64"`. */
export function float32Base64(values: Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i += 1) bytes.writeFloatLE(values[i] ?? 0, i * 4);
  return bytes.toString('base64');
}
