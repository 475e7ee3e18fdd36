/**
 * @module Embedding vectors: float32, as every provider computes them (OpenAI's base64 answers are float32 bytes),
 * so a vector costs 4 bytes a value in memory and its base64 form is its bytes. Encoding and decoding base64
 * (little-endian, as the official SDKs read it: `new Float32Array(bytes.buffer)` on little-endian hosts) and scaling
 * to unit length.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create (encoding_format)
 */

/** Whether this host stores typed arrays little-endian (every tier-1 Node platform does; s390x does not). */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Standard base64 (what `Buffer#toString('base64')` writes); Node's decoder would skip anything else silently. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The vector's values as base64 of little-endian float32. */
export function encodeFloat32Base64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  return HOST_LITTLE_ENDIAN ? bytes.toString('base64') : Buffer.from(bytes).swap32().toString('base64');
}

/** Base64 of little-endian float32 → the vector; undefined when it is not base64 of whole, finite float32 values. */
export function decodeFloat32Base64(text: string): Float32Array | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  // A copy: a small Buffer sits at an arbitrary offset of Node's shared pool, where a Float32Array cannot start.
  const vector = new Float32Array(bytes.length / 4);
  const own = Buffer.from(vector.buffer);
  own.set(bytes);
  if (!HOST_LITTLE_ENDIAN) own.swap32();
  return allFinite(vector) ? vector : undefined;
}

/** JSON numbers → a float32 vector; undefined when some value is not a finite number. */
export function float32FromNumbers(values: unknown): Float32Array | undefined {
  if (!Array.isArray(values)) return undefined;
  const vector = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value: unknown = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    vector[i] = value;
  }
  return vector;
}

/** Scales `vector` in place to unit length (a zero vector stays zero), as OpenAI's vectors are and Gemini's cut ones are not. */
export function scaleToUnitLength(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i += 1) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

function allFinite(vector: Float32Array): boolean {
  for (const value of vector) if (!Number.isFinite(value)) return false;
  return true;
}
