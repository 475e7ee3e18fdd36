/**
 * @module A checked Responses request → the canonical Chat Completions request the pipeline routes, admits, counts
 * and dispatches (the expanded conversation included, so admission counts all of it).
 *
 * Mapping: `instructions` + items → `messages` (`to-chat-messages.ts`); `tools` / `tool_choice` (`tools.ts`);
 * `max_output_tokens` → `max_completion_tokens`; `text.format` → `response_format`; `text.verbosity` → `verbosity`;
 * `reasoning.effort` → `reasoning_effort`; `temperature`, `top_p`, `parallel_tool_calls`, `user`,
 * `safety_identifier`, `prompt_cache_key`, `service_tier` and our `routing`, `models` and `provider` as they are. `store` and `metadata` stay
 * here: they are the gateway's conversation store, never upstream state in a provider account.
 *
 * Refused with a 400 naming the parameter, before anything is spent: `background: true` (no background mode), a
 * `conversation` (use `previous_response_id`), a stored `prompt` template (it lives in an OpenAI account), a
 * `json_schema` format without its schema or with a bad name, and `temperature` with `top_p` (as the chat door).
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import type { ChatCompletionRequest, ChatMessage } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { ResponsesRequest, TextFormat } from './request-schema.js';
import type { TranslatedTools } from './tools.js';

/** Throws a 400 naming the first parameter the gateway cannot honour. */
export function checkResponsesRequest(req: ResponsesRequest): void {
  if (req.background === true)
    throw invalidRequest('`background` mode is not supported: send the request without it (stream for long answers).', 'background');
  if (req.conversation !== undefined && req.conversation !== null) {
    throw invalidRequest('`conversation` is not supported: continue a conversation with `previous_response_id`.', 'conversation');
  }
  if (req.prompt !== undefined && req.prompt !== null) {
    throw invalidRequest('`prompt` templates are not supported: they are stored in a provider account. Send `instructions` and `input`.', 'prompt');
  }
  const format = req.text?.format;
  if (format?.type === 'json_schema') {
    if (format.schema === undefined || format.schema === null)
      throw invalidRequest("Missing required parameter: 'text.format.schema'.", 'text.format.schema');
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(format.name)) {
      throw invalidRequest('`text.format.name` must be 1 to 64 letters, digits, underscores or dashes.', 'text.format.name');
    }
  }
  const { temperature, top_p: topP } = req;
  if (typeof temperature === 'number' && typeof topP === 'number' && temperature !== 1 && topP !== 1) {
    throw invalidRequest('Set either `temperature` or `top_p`, not both.', 'top_p');
  }
}

/** The canonical request of a checked Responses request. */
export function toCanonicalRequest(req: ResponsesRequest, messages: ChatMessage[], tools: TranslatedTools): ChatCompletionRequest {
  const canonical: ChatCompletionRequest = { model: req.model, messages, stream: req.stream === true };
  if (typeof req.temperature === 'number') canonical.temperature = req.temperature;
  if (typeof req.top_p === 'number') canonical.top_p = req.top_p;
  if (typeof req.max_output_tokens === 'number') canonical.max_completion_tokens = req.max_output_tokens;
  if (tools.tools.length > 0) {
    canonical.tools = tools.tools;
    if (tools.toolChoice !== undefined) canonical.tool_choice = tools.toolChoice;
    if (typeof req.parallel_tool_calls === 'boolean') canonical.parallel_tool_calls = req.parallel_tool_calls;
  }
  const format = req.text?.format;
  if (format !== undefined && format !== null) canonical.response_format = responseFormat(format);
  if (typeof req.text?.verbosity === 'string') canonical.verbosity = req.text.verbosity;
  if (typeof req.reasoning?.effort === 'string') canonical.reasoning_effort = req.reasoning.effort;
  if (typeof req.user === 'string') canonical.user = req.user;
  if (typeof req.safety_identifier === 'string') canonical.safety_identifier = req.safety_identifier;
  if (typeof req.prompt_cache_key === 'string') canonical.prompt_cache_key = req.prompt_cache_key;
  if (typeof req.service_tier === 'string') canonical.service_tier = req.service_tier;
  if (req.routing !== undefined) canonical.routing = req.routing;
  if (req.models !== undefined) canonical.models = req.models;
  if (req.provider !== undefined) canonical.provider = req.provider;
  return canonical;
}

function responseFormat(format: TextFormat): NonNullable<ChatCompletionRequest['response_format']> {
  if (format.type !== 'json_schema') return { type: format.type };
  const jsonSchema: Extract<NonNullable<ChatCompletionRequest['response_format']>, { type: 'json_schema' }>['json_schema'] = { name: format.name };
  if (typeof format.description === 'string') jsonSchema.description = format.description;
  if (format.schema !== undefined && format.schema !== null) jsonSchema.schema = format.schema;
  if (typeof format.strict === 'boolean') jsonSchema.strict = format.strict;
  return { type: 'json_schema', json_schema: jsonSchema };
}
