/**
 * @module Gemini embeddings: `POST /v1beta/models/{model}:batchEmbedContents`, at most 100 requests a call.
 *
 * Each input is one `EmbedContentRequest` naming the model again (`models/{model}`), with `outputDimensionality`
 * when the model takes it. Gemini normalises only its full-size (3,072) vectors; cut ones are scaled to unit length
 * here, so every answer is unit length as OpenAI's are. `gemini-embedding-001` reports no token counts (settling
 * counts them); a `usageMetadata.promptTokenCount`, which newer models send, is kept.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 * @see https://ai.google.dev/gemini-api/docs/embeddings#quality-for-smaller-dimensions
 */
import { isRecord } from '../../core/guards.js';
import type { EmbeddingCall } from '../../core/embedding-request.js';
import type { EmbeddingResponse } from '../../core/embedding-response.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { float32FromNumbers, scaleToUnitLength } from '../../core/vectors.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { EmbeddingsAdapter, UpstreamRequest, UpstreamTarget } from '../types.js';

/** Requests one `batchEmbedContents` call takes ("at most 100 requests can be in one batch"). */
export const GEMINI_MAX_INPUTS_PER_CALL = 100;

/** Builds the upstream call. Token-id input never gets here (the catalog gives Gemini models no `token_ids`). */
export function toGeminiEmbeddingsRequest(call: EmbeddingCall, target: UpstreamTarget): { request: UpstreamRequest } {
  if (call.input.kind !== 'text') throw invalidRequest('Gemini embedding models take text input only.', 'input');
  const model = target.upstreamModel.replace(/^models\//, '');
  const requests = call.input.texts.map((text) => {
    const request: Record<string, unknown> = { model: `models/${model}`, content: { parts: [{ text }] } };
    if (call.upstream.dimensions) request.outputDimensionality = call.dimensions;
    return request;
  });
  return {
    request: {
      path: `/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
      headers: { 'x-goog-api-key': target.apiKey, 'content-type': 'application/json' },
      body: { requests },
    },
  };
}

/** Reads `{embeddings:[{values}]}`: one unit-length vector per input, in order, of the call's length. */
export function fromGeminiEmbeddingsResponse(body: unknown, call: EmbeddingCall): EmbeddingResponse {
  if (!isRecord(body) || !Array.isArray(body.embeddings)) throw malformedUpstream('batchEmbedContents response (no embeddings list)');
  const expected = call.input.kind === 'text' ? call.input.texts.length : call.input.tokens.length;
  if (body.embeddings.length !== expected) {
    throw malformedUpstream(`batchEmbedContents response (${body.embeddings.length} embeddings for ${expected} inputs)`);
  }
  const data = (body.embeddings as unknown[]).map((embedding) => {
    const vector = float32FromNumbers(isRecord(embedding) ? embedding.values : undefined);
    if (vector === undefined) throw malformedUpstream('batchEmbedContents response (an embedding has no numeric values)');
    if (vector.length !== call.dimensions) {
      throw malformedUpstream(`batchEmbedContents response (${vector.length} dimensions where ${call.dimensions} were asked for)`);
    }
    return scaleToUnitLength(vector);
  });
  const tokens = isRecord(body.usageMetadata) ? body.usageMetadata.promptTokenCount : undefined;
  if (typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0) return { data, model: call.model, usage: { prompt_tokens: tokens } };
  return { data, model: call.model };
}

/** The Gemini format's embeddings API. */
export const geminiEmbeddings: EmbeddingsAdapter = {
  maxInputsPerCall: GEMINI_MAX_INPUTS_PER_CALL,
  toUpstream: toGeminiEmbeddingsRequest,
  fromUpstream: fromGeminiEmbeddingsResponse,
};
