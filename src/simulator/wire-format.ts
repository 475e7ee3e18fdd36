/**
 * @module The contract every simulated wire format (OpenAI, Anthropic, Gemini) implements, so the server's request
 * pipeline stays the same for all of them and never branches on a provider.
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { PromptCachePrefix } from './prompt-cache.js';
import type { Reply } from './reply.js';
import type { ToolSpec } from './tool-calls.js';

/** A complete JSON answer: status and a body serialized once by the server. */
export interface HttpReply {
  status: number;
  body: unknown;
}

/** A request, once parsed and validated, in the terms the simulator needs. */
export interface SimCall {
  /** Upstream model name; knobs and stats are keyed by it and responses echo it. */
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`; ignored by formats that always report usage. */
  includeUsage: boolean;
  /** Gemini `:streamGenerateContent` without `alt=sse` streams one JSON array instead of SSE events. */
  jsonArrayStream: boolean;
  promptTokens: number;
  lastUserText: string;
  maxTokens: number | undefined;
  stopSequences: string[];
  /** Images anywhere in the prompt; their tokens are already in `promptTokens`. */
  promptImages: number;
  /** Images in the last user turn: the reply then says "I see N image(s)". */
  lastTurnImages: number;
  /** Choices to generate: OpenAI `n`, Gemini `candidateCount`; always 1 for Anthropic. */
  candidates: number;
  /** Tools the reply calls, already narrowed by the tool choice; empty when the reply is text. */
  callableTools: readonly ToolSpec[];
  /** Most calls in one reply: 1 when the request turned parallel calls off, else unbounded. */
  maxParallelCalls: number;
  /** Text of the tool results when the last turn carries them (the reply then mentions them), else undefined. */
  toolResult: string | undefined;
  /** JSON output was asked for; `schema` is undefined in plain JSON mode (OpenAI `json_object`). */
  jsonOutput: { schema: unknown } | undefined;
  /** Reasoning tokens the request itself asks for (Anthropic `thinking` on); a non-zero `reasoningTokens` knob wins. */
  thinkingTokens?: number;
  /** The prompt prefix the request marks for the provider's prompt cache (Anthropic `cache_control`). */
  promptCache?: PromptCachePrefix;
}

/** Where a provider request was routed, from the URL alone. */
export interface RouteInfo {
  /** Path prefix such as `openai`, `groq`, `anthropic`, `google`. */
  provider: string;
  /** Model named in the path (Gemini), if any. */
  pathModel: string | undefined;
  /** Whether the path itself asks for a stream (Gemini `:streamGenerateContent`). */
  pathStream: boolean;
  /** Parsed query string. */
  query: URLSearchParams;
}

/** Per-response values the server supplies so format code reads no clock and no global state. */
export interface ReplyContext {
  /** Returns `length` random-looking base62 characters for ids. */
  nextId: (length: number) => string;
  /** Unix seconds, for `created`. */
  nowSeconds: number;
}

/**
 * A stream as frames already serialized for the wire. The server writes `head` after the latency knob,
 * `tokens` one by one at the knob pace (the first after `ttftMs`), then `tail` at once, then ends the response.
 */
export interface StreamPlan {
  contentType: string;
  head: string[];
  tokens: string[];
  tail: string[];
}

/**
 * One simulated provider API. (Not the gateway's `WireFormat`, the string naming a format in `providers/types.ts`:
 * this is the simulator's implementation of one.)
 */
export interface SimulatedFormat {
  /** Checks credentials headers; returns the provider's own error reply when they are missing. */
  authenticate(headers: IncomingHttpHeaders, route: RouteInfo): HttpReply | undefined;
  /** Validates a JSON body (already parsed) into a call, or a 400 in the provider's shape. */
  parse(body: unknown, route: RouteInfo): SimCall | HttpReply;
  /** An error reply in the provider's shape for any status (malformed JSON, body too large). */
  error(status: number, message: string): HttpReply;
  /** The reply for an injected failure with this status, with a realistic provider message. */
  fault(status: number): HttpReply;
  /** Headers every answer from this provider carries (e.g. a request id). */
  responseHeaders(context: ReplyContext): Record<string, string>;
  /** The non-streaming success body. */
  respond(call: SimCall, reply: Reply, context: ReplyContext): HttpReply;
  /** The streaming answer; with `midStreamError` it breaks off with an in-band error event. */
  stream(call: SimCall, reply: Reply, context: ReplyContext, midStreamError: boolean): StreamPlan;
}

/** Type guard separating a parse failure from a parsed call. */
export function isHttpReply(value: SimCall | HttpReply): value is HttpReply {
  return 'status' in value;
}
