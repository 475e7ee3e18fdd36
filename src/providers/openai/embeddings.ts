/**
 * @module OpenAI-format embeddings (`POST {base}/embeddings`): OpenAI, and Mistral with its stricter schema.
 *
 * The upstream is asked for base64 where the catalog says it answers base64 float32 (OpenAI: a third of the JSON
 * size); an upstream without it (Mistral, whose schema forbids unknown fields) is sent only `model` and `input` and
 * answers JSON numbers. Either encoding is read back, whatever was asked. `dimensions` goes up only for models that
 * take it, `user` only where the catalog allows.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://docs.mistral.ai/api/endpoint/embeddings
 */
import type { EmbeddingCall } from '../../core/embedding-request.js';
import type { EmbeddingResponse, EmbeddingUsage } from '../../core/embedding-response.js';
import { decodeFloat32Base64, float32FromNumbers } from '../../core/vectors.js';
import { isRecord } from '../../core/guards.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { EmbeddingsAdapter, UpstreamRequest, UpstreamTarget } from '../types.js';

/** Inputs one OpenAI embeddings call takes (the request limit itself). */
export const OPENAI_MAX_INPUTS_PER_CALL = 2048;

/** Builds the upstream call. */
export function toOpenAIEmbeddingsRequest(call: EmbeddingCall, target: UpstreamTarget): { request: UpstreamRequest } {
  const body: Record<string, unknown> = {
    model: target.upstreamModel,
    input: call.input.kind === 'text' ? call.input.texts : call.input.tokens,
  };
  if (call.upstream.base64) body.encoding_format = 'base64';
  if (call.upstream.dimensions) body.dimensions = call.dimensions;
  if (call.upstream.user && call.user !== undefined) body.user = call.user;
  return {
    request: { path: '/embeddings', headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' }, body },
  };
}

/**
 * Reads `{object:"list", data:[{index, embedding}], usage:{prompt_tokens}}`: one vector per input, placed by its
 * `index`, each base64 or numbers of the call's length. Anything else is a 502 that may fail over.
 */
export function fromOpenAIEmbeddingsResponse(body: unknown, call: EmbeddingCall): EmbeddingResponse {
  if (!isRecord(body) || !Array.isArray(body.data)) throw malformedUpstream('embeddings response (no data list)');
  const expected = call.input.kind === 'text' ? call.input.texts.length : call.input.tokens.length;
  if (body.data.length !== expected) {
    throw malformedUpstream(`embeddings response (${body.data.length} embeddings for ${expected} inputs)`);
  }
  const data = new Array<Float32Array>(expected);
  for (const item of body.data as unknown[]) {
    const index = isRecord(item) ? item.index : undefined;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || data[index] !== undefined) {
      throw malformedUpstream('embeddings response (missing or repeated index)');
    }
    const embedding = isRecord(item) ? item.embedding : undefined;
    const vector = typeof embedding === 'string' ? decodeFloat32Base64(embedding) : float32FromNumbers(embedding);
    if (vector === undefined) throw malformedUpstream('embeddings response (an embedding is neither base64 float32 nor numbers)');
    if (vector.length !== call.dimensions) {
      throw malformedUpstream(`embeddings response (${vector.length} dimensions where ${call.dimensions} were asked for)`);
    }
    data[index] = vector;
  }
  const usage = usageOf(body.usage);
  return usage === undefined ? { data, model: call.model } : { data, model: call.model, usage };
}

/** `usage.prompt_tokens` when it is a count; some OpenAI-compatible servers leave usage out. */
function usageOf(usage: unknown): EmbeddingUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const tokens = usage.prompt_tokens;
  return typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? { prompt_tokens: tokens } : undefined;
}

/** The OpenAI format's embeddings API. */
export const openAIEmbeddings: EmbeddingsAdapter = {
  maxInputsPerCall: OPENAI_MAX_INPUTS_PER_CALL,
  toUpstream: toOpenAIEmbeddingsRequest,
  fromUpstream: fromOpenAIEmbeddingsResponse,
};
