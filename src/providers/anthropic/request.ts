/**
 * @module OpenAI chat completion request → Anthropic Messages request (path, headers, body). Pure data, no I/O.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/api/openai-sdk
 */
import { NATIVE_BODY, requestedMaxTokens, stopSequences, type CanonicalChatRequest, type ChatCompletionRequest } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { ToUpstreamResult, UpstreamTarget } from '../types.js';
import { convertAnthropicResponseFormat, type AnthropicOutputSettings } from './json-output.js';
import { convertToAnthropicMessages, type AnthropicMessageParam } from './messages.js';
import { ANTHROPIC_MESSAGES_PATH, anthropicHeaders, toAnthropicNativeRequest } from './native-request.js';
import { applyAnthropicThinking } from './thinking.js';
import { convertToAnthropicTools, type AnthropicTool, type AnthropicToolChoice } from './tools.js';

/**
 * `max_tokens` sent when the client sets neither `max_completion_tokens` nor `max_tokens`. Anthropic requires the
 * field; 4096 fits every current Claude model's output limit and matches what Anthropic's own examples use.
 * @see https://platform.claude.com/docs/en/api/messages#body-max-tokens
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** The Messages request body this adapter builds. */
export type AnthropicRequestBody = {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  stream?: true;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  output_config?: AnthropicOutputSettings['output_config'];
  thinking?: { type: 'enabled'; budget_tokens: number };
};

/**
 * OpenAI fields with no Anthropic equivalent: dropped, and named in `warnings` when the client set them.
 * @see https://platform.claude.com/docs/en/api/openai-sdk#ignored-fields
 */
const UNSUPPORTED_FIELDS = [
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'seed',
  'logprobs',
  'top_logprobs',
  'prediction',
  'audio',
  'modalities',
  'web_search_options',
  'service_tier',
  'store',
  'metadata',
  'verbosity',
] as const;

/** Whether the client asked for something with `field` (false and null ask for nothing). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

function unsupportedWarnings(req: ChatCompletionRequest): string[] {
  const warnings: string[] = UNSUPPORTED_FIELDS.filter((field) => isSet(req[field]));
  if ((req.n ?? 1) > 1) warnings.push('n');
  return warnings;
}

/** Sampling and metadata fields, with the temperature clamped to Anthropic's [0, 1]. */
function addSampling(body: AnthropicRequestBody, req: ChatCompletionRequest, warnings: string[]): void {
  if (req.temperature !== undefined && req.temperature !== null) {
    body.temperature = Math.min(1, Math.max(0, req.temperature));
    if (req.temperature > 1) warnings.push('temperature above 1 (clamped to 1)');
  }
  if (req.top_p !== undefined && req.top_p !== null) body.top_p = req.top_p;
  const stop = stopSequences(req);
  if (stop !== undefined) body.stop_sequences = stop;
  const userId = req.safety_identifier ?? req.user;
  if (userId !== undefined) body.metadata = { user_id: userId };
}

/** The client's tools and tool choice, then what `response_format` adds to them (see `json-output.ts`). */
function addTools(body: AnthropicRequestBody, req: ChatCompletionRequest): string[] {
  const tools = convertToAnthropicTools(req);
  const output = convertAnthropicResponseFormat(req.response_format, tools.tool_choice, tools.tools !== undefined);
  const allTools = output.tool === undefined ? tools.tools : [...(tools.tools ?? []), output.tool];
  if (allTools !== undefined) body.tools = allTools;
  const toolChoice = output.tool_choice ?? tools.tool_choice;
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (output.output_config !== undefined) body.output_config = output.output_config;
  return tools.warnings;
}

/**
 * The upstream call for one Anthropic deployment: the client's own Messages body when its door attached one (see
 * `native-request.ts`), else the translation of the OpenAI request. Translation throws a 400 GatewayError for input
 * Anthropic cannot take at all (malformed tool-call arguments, unsupported media, no user or assistant message).
 */
export function toAnthropicRequest(req: CanonicalChatRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const native = req[NATIVE_BODY];
  if (native?.format === 'anthropic') return toAnthropicNativeRequest(native, target, stream);
  return translateToAnthropic(req, target, stream);
}

function translateToAnthropic(req: ChatCompletionRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const converted = convertToAnthropicMessages(req.messages);
  if (converted.messages.length === 0) {
    throw invalidRequest('Anthropic models need at least one non-empty user or assistant message.', 'messages');
  }
  const clientMax = requestedMaxTokens(req);
  const body: AnthropicRequestBody = {
    model: target.upstreamModel,
    max_tokens: clientMax ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: converted.messages,
  };
  if (converted.system !== undefined) body.system = converted.system;
  const warnings = [...converted.warnings, ...unsupportedWarnings(req)];
  addSampling(body, req, warnings);
  warnings.push(...addTools(body, req));
  warnings.push(...applyAnthropicThinking(body, req.reasoning_effort, clientMax, ANTHROPIC_DEFAULT_MAX_TOKENS));
  if (stream) body.stream = true;
  return { request: { path: ANTHROPIC_MESSAGES_PATH, headers: anthropicHeaders(target.apiKey), body }, warnings };
}
