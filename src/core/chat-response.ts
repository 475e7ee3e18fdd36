import type { ReasoningDetail } from './chat-request.js';

export type { ReasoningDetail } from './chat-request.js';

/**
 * @module The OpenAI Chat Completions response and stream-chunk shapes the gateway emits.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: PromptTokensDetails;
  completion_tokens_details?: { reasoning_tokens: number };
  /** Our extension: what the request cost at the catalog's list prices, in US dollars. */
  cost_usd?: number;
}

/**
 * Where the prompt tokens went. `prompt_tokens` counts them all; `cached_tokens` were read from the provider's prompt
 * cache. Our extension: `cache_write_tokens` were written to it (Anthropic bills them above the input price),
 * `cache_write_1h_tokens` the part of those written with a one-hour lifetime.
 */
export interface PromptTokensDetails {
  cached_tokens: number;
  cache_write_tokens?: number;
  cache_write_1h_tokens?: number;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: ToolCall[];
  /** Reasoning/thinking text, kept out of `content` (the field most OpenAI-compatible clients read). */
  reasoning_content?: string;
  /** The provider's reasoning state (Claude's signed thinking), for the client to send back with this turn. */
  reasoning_details?: ReasoningDetail[];
}

export interface Choice {
  index: number;
  message: AssistantMessage;
  logprobs: null;
  finish_reason: FinishReason;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Choice[];
  usage: Usage;
  system_fingerprint?: string;
  service_tier?: string;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
  reasoning_content?: string;
  /** Complete reasoning-state entries, each sent once its block has ended (a signature arrives last). */
  reasoning_details?: ReasoningDetail[];
}

export interface ChunkChoice {
  index: number;
  delta: ChunkDelta;
  logprobs?: null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string;
}

/**
 * A completion as an upstream adapter translates it: `usage` is undefined when the upstream reported none (some
 * OpenAI-compatible servers omit it), so settling can count the tokens itself instead of billing zero.
 */
export type UpstreamCompletion = Omit<ChatCompletion, 'usage'> & {
  usage: Usage | undefined;
  /** The upstream's body as parsed, when it is in a format a front door may answer natively (Anthropic). */
  native?: unknown;
};
