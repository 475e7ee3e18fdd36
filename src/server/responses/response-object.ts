/**
 * @module The Response object the door answers with (and stores, and streams in `response.*` events): the echo of
 * the request's parameters, the output items, the status and the usage in the Responses shape, with our
 * `cost_usd`. `model` is the catalog id that answered.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import type { Usage } from '../../core/chat-response.js';
import { uniqueIdGenerator } from '../../core/unique-id.js';
import type { ResponseItem } from './conversation-items.js';
import type { ResponsesRequest } from './request-schema.js';

/** A fresh response id. */
export const newResponseId = uniqueIdGenerator('resp_');

/** The usage block of a Response. */
export type ResponseUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** Our extension: what the request cost at the catalog's list prices, in US dollars. */
  cost_usd?: number;
};

/** The request's parameters as every Response echoes them (OpenAI's defaults where the client set none). */
export type ResponseEcho = {
  background: false;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: { effort: string | null; summary: string | null };
  safety_identifier: string | null;
  service_tier: string;
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown>; verbosity: string };
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number;
  top_p: number;
  truncation: string;
  /** Omitted when unset (OpenAI's schema has no null here). */
  user?: string;
  metadata: Record<string, string>;
};

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** A Response object. */
export type ResponseObject = ResponseEcho & {
  id: string;
  object: 'response';
  created_at: number;
  completed_at: number | null;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: ResponseItem[];
  /** Absent until the turn has finished (OpenAI's schema has no null here; its streams send one). */
  usage?: ResponseUsage;
};

/** The echo of a request; `tools` are the client's function and custom tools (hosted ones were dropped). */
export function responseEcho(req: ResponsesRequest, tools: readonly unknown[]): ResponseEcho {
  return {
    background: false,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    prompt_cache_key: req.prompt_cache_key ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: echoedSummary(req.reasoning?.summary) },
    safety_identifier: req.safety_identifier ?? null,
    service_tier: req.service_tier === undefined || req.service_tier === null || req.service_tier === 'auto' ? 'default' : req.service_tier,
    store: req.store ?? true,
    temperature: req.temperature ?? 1,
    text: { format: req.text?.format ?? { type: 'text' }, verbosity: req.text?.verbosity ?? 'medium' },
    tool_choice: req.tool_choice ?? 'auto',
    tools: [...tools],
    top_logprobs: 0,
    top_p: req.top_p ?? 1,
    truncation: req.truncation ?? 'disabled',
    metadata: req.metadata ?? {},
    ...(typeof req.user === 'string' ? { user: req.user } : {}),
  };
}

/** `reasoning.summary` as OpenAI echoes it: one of its three values, else null (Codex may send `none`). */
function echoedSummary(summary: string | null | undefined): string | null {
  return summary === 'auto' || summary === 'concise' || summary === 'detailed' ? summary : null;
}

/** The Responses usage of a settled canonical usage (the ledger's numbers). */
export function toResponseUsage(usage: Usage): ResponseUsage {
  const converted: ResponseUsage = {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: {
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
  if (usage.cost_usd !== undefined) converted.cost_usd = usage.cost_usd;
  return converted;
}
