/**
 * @module OpenAI sampling and output options → Gemini `generationConfig`.
 *
 * Penalties and `seed` are passed through; some models reject them (e.g. "Penalty is not enabled for
 * models/gemini-2.5-flash"), and that upstream 400 is what the client should see. `candidateCount` is only sent for
 * `n > 1`, since 1 is the default.
 * @see https://ai.google.dev/api/generate-content#generationconfig
 * @see https://ai.google.dev/gemini-api/docs/structured-output
 */
import { requestedMaxTokens, stopSequences, type ChatCompletionRequest } from '../../core/chat-request.js';
import type { GeminiGenerationConfig } from './api-request.js';

/** The generation config for a request, or `undefined` when the client set none of its fields. */
export function buildGeminiGenerationConfig(req: ChatCompletionRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  const maxTokens = requestedMaxTokens(req);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  const stop = stopSequences(req);
  if (stop !== undefined) config.stopSequences = stop;
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty;
  if (req.seed != null) config.seed = req.seed;
  if (req.n != null && req.n > 1) config.candidateCount = req.n;
  Object.assign(config, responseFormatConfig(req.response_format));
  return Object.keys(config).length > 0 ? config : undefined;
}

function responseFormatConfig(format: ChatCompletionRequest['response_format']): GeminiGenerationConfig {
  if (format === undefined) return {};
  switch (format.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema': {
      const schema = format.json_schema.schema;
      return schema === undefined ? { responseMimeType: 'application/json' } : { responseMimeType: 'application/json', responseJsonSchema: schema };
    }
    default: {
      const exhaustive: never = format;
      return exhaustive;
    }
  }
}
