/**
 * @module The Google Gemini `generateContent` wire format (Gemini API; Vertex AI's streamed function-call arguments
 * are understood too).
 * @see https://ai.google.dev/api/generate-content
 */
import type { ProviderAdapter } from '../types.js';
import { geminiEmbeddings } from './embeddings.js';
import { toGeminiGatewayError } from './errors.js';
import { toGeminiRequest } from './request.js';
import { fromGeminiResponse } from './response.js';
import { createGeminiStreamTranslator } from './stream.js';

/**
 * Adapter for Gemini upstreams: OpenAI requests become `generateContent` / `streamGenerateContent?alt=sse` calls,
 * and candidates, thoughts, function calls (with their thought signatures carried in the tool-call ids), finish
 * reasons, usage and Google RPC errors come back in OpenAI's shapes; embeddings go to `batchEmbedContents`.
 * @example
 * const { request } = geminiAdapter.toUpstream(req, { baseUrl, apiKey, upstreamModel: 'gemini-2.5-flash' }, true);
 * // request.path === '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'
 */
export const geminiAdapter: ProviderAdapter = {
  format: 'gemini',
  inlineRemoteImages: true,
  toUpstream: toGeminiRequest,
  fromUpstream: fromGeminiResponse,
  createStreamTranslator: createGeminiStreamTranslator,
  toGatewayError: toGeminiGatewayError,
  embeddings: geminiEmbeddings,
};
