/**
 * @module The canonical embedding answer every adapter returns, and the OpenAI answer's `data` items the front door
 * sends, as floats or as base64 (the official SDKs ask for base64 by default and decode it).
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
import { encodeFloat32Base64 } from './vectors.js';

/** Tokens the upstream reported. Gemini's embedding API reports none: settling counts them then. */
export interface EmbeddingUsage {
  prompt_tokens: number;
}

/** What an upstream (or every batch of one request, merged) answered. */
export interface EmbeddingResponse {
  /** One vector per input, in input order, each of the request's `dimensions`. */
  data: Float32Array[];
  /** The catalog model id the answer is reported under. */
  model: string;
  /** Absent when the upstream reported no token count. */
  usage?: EmbeddingUsage;
}

/** How the client wants its vectors: JSON numbers, or base64 of little-endian float32. */
export type EmbeddingEncoding = 'float' | 'base64';

/** One item of the OpenAI answer's `data`. */
export interface EmbeddingDataItem {
  object: 'embedding';
  index: number;
  /** The values (float), or base64 of their little-endian float32 bytes (base64). */
  embedding: number[] | string;
}

/**
 * The OpenAI answer's `data` for `vectors` in `encoding`: item `i` carries vector `i`. Float values are the float32
 * values themselves (as OpenAI's JSON shows them, e.g. `-0.006929283495992422`); base64 is the bytes the SDKs decode.
 */
export function toEmbeddingData(vectors: readonly Float32Array[], encoding: EmbeddingEncoding): EmbeddingDataItem[] {
  return vectors.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: encoding === 'base64' ? encodeFloat32Base64(vector) : Array.from(vector),
  }));
}
