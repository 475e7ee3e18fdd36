/**
 * @module The contract of a simulated embeddings endpoint (OpenAI format, Gemini `batchEmbedContents`), so one
 * handler serves both: auth, faults, error shapes and headers come from the endpoint's chat wire format.
 */

import type { HttpReply, RouteInfo, SimulatedFormat } from './wire-format.js';

/** A validated embeddings request: the model (knobs and stats are keyed by it) and its answer, built on demand. */
export interface EmbeddingCall {
  model: string;
  answer: () => unknown;
}

/** One embeddings API. */
export interface EmbeddingEndpoint {
  /** The wire format whose credentials check, error bodies, injected faults and response headers apply. */
  format: SimulatedFormat;
  /** Validates a JSON body (already parsed) as the real API would: the call, or its error reply. */
  parse(body: unknown, route: RouteInfo): EmbeddingCall | HttpReply;
}

/** Whether `parse` answered an error. */
export function isEmbeddingCall(value: EmbeddingCall | HttpReply): value is EmbeddingCall {
  return 'answer' in value;
}
