/**
 * @module The OpenAI Chat Completions wire format, spoken by OpenAI, Mistral, DeepSeek, xAI and Groq, and its
 * embeddings API.
 */
import type { ProviderAdapter } from '../types.js';
import { openAIEmbeddings } from './embeddings.js';
import { toOpenAIGatewayError } from './errors.js';
import { toOpenAIRequest } from './request.js';
import { fromOpenAIResponse } from './response.js';
import { createOpenAIStreamTranslator } from './stream.js';

/** Adapter for OpenAI-format upstreams: the request passes through; answers are checked and re-stamped. */
export const openAIAdapter: ProviderAdapter = {
  format: 'openai',
  toUpstream: toOpenAIRequest,
  fromUpstream: fromOpenAIResponse,
  createStreamTranslator: createOpenAIStreamTranslator,
  toGatewayError: toOpenAIGatewayError,
  embeddings: openAIEmbeddings,
};
