/**
 * @module OpenAI Chat Completions request → Gemini `generateContent` call.
 *
 * The model goes in the path (a `models/` prefix, as the model list spells names, is accepted and removed); a
 * stream uses `:streamGenerateContent?alt=sse`, without which Gemini streams one JSON array instead of SSE.
 * Fields with no Gemini equivalent are dropped and named in `warnings`.
 * @see https://ai.google.dev/api/generate-content
 * @see shared/reference/wire-formats.md §4.3
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ToUpstreamResult, UpstreamTarget } from '../types.js';
import type { GeminiRequestBody } from './api-request.js';
import { buildGeminiGenerationConfig } from './generation-config.js';
import { convertToGeminiPrompt } from './messages.js';
import { convertGeminiReasoningEffort } from './thinking-config.js';
import { convertGeminiToolChoice, convertGeminiTools } from './tools.js';

/** Request fields Gemini cannot honour, each with the values that need no warning because they change nothing. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, (value: unknown) => boolean>> = {
  logit_bias: () => false,
  logprobs: (value) => value === false,
  top_logprobs: () => false,
  parallel_tool_calls: (value) => value === true,
  user: () => false,
  safety_identifier: () => false,
  service_tier: () => false,
  store: (value) => value === false,
  metadata: () => false,
  prediction: () => false,
  modalities: () => false,
  audio: () => false,
  verbosity: () => false,
  web_search_options: () => false,
};

/** Builds the upstream call. Throws a 400 GatewayError for input Gemini cannot take (see `messages.ts`). */
export function toGeminiRequest(req: ChatCompletionRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const body: GeminiRequestBody = convertToGeminiPrompt(req.messages);
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = convertGeminiTools(req.tools);
    if (req.tool_choice !== undefined) body.toolConfig = { functionCallingConfig: convertGeminiToolChoice(req.tool_choice) };
  }
  const thinking = convertGeminiReasoningEffort(req.reasoning_effort);
  const generationConfig = buildGeminiGenerationConfig(req);
  if (thinking.thinkingConfig !== undefined) {
    body.generationConfig = { ...generationConfig, thinkingConfig: thinking.thinkingConfig };
  } else if (generationConfig !== undefined) {
    body.generationConfig = generationConfig;
  }
  return {
    request: {
      path: geminiPath(target.upstreamModel, stream),
      headers: { 'x-goog-api-key': target.apiKey, 'content-type': 'application/json' },
      body,
    },
    warnings: [...unsupportedFields(req), ...thinking.warnings],
  };
}

function geminiPath(upstreamModel: string, stream: boolean): string {
  const model = encodeURIComponent(upstreamModel.replace(/^models\//, ''));
  return stream ? `/v1beta/models/${model}:streamGenerateContent?alt=sse` : `/v1beta/models/${model}:generateContent`;
}

function unsupportedFields(req: ChatCompletionRequest): string[] {
  const warnings: string[] = [];
  for (const [field, isHarmless] of Object.entries(UNSUPPORTED_FIELDS)) {
    const value = req[field];
    if (value !== undefined && value !== null && !isHarmless(value)) warnings.push(field);
  }
  const hasTools = req.tools !== undefined && req.tools.length > 0;
  if (req.tool_choice !== undefined && !hasTools) warnings.push('tool_choice');
  if (req.messages.some((message) => 'name' in message && message.name !== undefined)) warnings.push('messages[].name');
  if (req.tools?.some((tool) => tool.function.strict === true)) warnings.push('tools[].function.strict');
  return warnings;
}
