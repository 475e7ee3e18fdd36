/**
 * @module The contract between the gateway core and a wire-format adapter.
 *
 * Adapters are pure: they turn an OpenAI request into an upstream HTTP request description, and upstream bodies and
 * SSE events back into OpenAI objects. They do no I/O, read no clock and no environment; the id and timestamp of
 * the answer come in through {@link TranslateContext}. Core code imports only this file and `registry.ts`.
 */
import type { CanonicalChatRequest, NativeBody } from '../core/chat-request.js';
import type { ChatCompletionChunk, UpstreamCompletion, Usage } from '../core/chat-response.js';
import type { EmbeddingCall } from '../core/embedding-request.js';
import type { EmbeddingResponse } from '../core/embedding-response.js';
import type { GatewayError } from '../core/gateway-error.js';

/** The three upstream APIs the gateway speaks. */
export type WireFormat = 'openai' | 'anthropic' | 'gemini';

/** One deployment to call: where, with which credential, under which upstream model name. */
export interface UpstreamTarget {
  /** Base URL as the provider's official SDK takes it, without a trailing slash (OpenAI-format ones end in `/v1`). */
  baseUrl: string;
  apiKey: string;
  /** The provider's own model name, e.g. `claude-sonnet-4-5`. */
  upstreamModel: string;
  /**
   * True when `apiKey` is the account's own (BYOK): the provider account is the tenant's, so what it keeps there
   * (OpenAI's `store`) is the tenant's choice. Absent: the gateway's key and the operator's account.
   */
  byok?: boolean;
}

/** An upstream HTTP call, described but not made. Always `POST` with a JSON body. */
export interface UpstreamRequest {
  /** Appended to the target's `baseUrl`; may carry a query string. */
  path: string;
  headers: Record<string, string>;
  /** A JSON-serialisable object; the gateway serialises it once. */
  body: Record<string, unknown>;
}

export interface ToUpstreamResult {
  request: UpstreamRequest;
  /** Request features the provider cannot honour and that were dropped (e.g. `logit_bias`). */
  warnings: string[];
}

/** What every translated answer is stamped with. */
export interface TranslateContext {
  /** The catalog model id reported to the client as `model`. */
  model: string;
  /** The completion id (`chatcmpl-…`) shared by every chunk of one answer. */
  id: string;
  /** Unix seconds. */
  created: number;
}

/** One SSE event as parsed from the upstream body. */
export interface SseEvent {
  /** The `event:` field, when the upstream names its events (Anthropic does). */
  event?: string | undefined;
  data: string;
}

/** What one upstream event (or the end of the body) translates to. */
export interface StreamStep {
  /** OpenAI chunks to forward, in order. Usage is never put on them; the gateway adds the usage chunk itself. */
  chunks: ChatCompletionChunk[];
  /** The latest cumulative usage known, when this event carried some. */
  usage?: Usage;
  /** The upstream event as parsed, when its format is one a front door may relay natively (Anthropic). */
  native?: NativeEvent;
  /** An in-band upstream error, or a malformed/truncated stream. The gateway ends the stream with it. */
  error?: GatewayError;
}

/** One upstream SSE event, parsed: its `event:` name and JSON `data`. */
export interface NativeEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Translates one upstream stream. Holds the per-stream state; make one per request. */
export interface StreamTranslator {
  push(event: SseEvent): StreamStep;
  /** The upstream body ended. Reports an error when the stream was cut before its natural end. */
  end(): StreamStep;
}

/** Response headers as undici gives them. */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface ProviderAdapter {
  readonly format: WireFormat;
  /**
   * True when the upstream cannot fetch image URLs itself: the gateway then downloads remote images (SSRF-safe)
   * and hands the adapter `data:` URLs only.
   */
  readonly inlineRemoteImages?: boolean;
  /** True when the upstream has no `n`: the gateway fans `n > 1` out into parallel single-choice requests. */
  readonly fanOutChoices?: boolean;
  /**
   * OpenAI request → upstream request; a native body of the adapter's own format (`NATIVE_BODY`) is sent as it came.
   * Throws a 400 GatewayError for input the provider cannot take at all.
   */
  toUpstream(req: CanonicalChatRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult;
  /** Upstream 2xx JSON body → OpenAI completion. Throws a GatewayError (502) when the body is not what was promised. */
  fromUpstream(body: unknown, ctx: TranslateContext): UpstreamCompletion;
  createStreamTranslator(ctx: TranslateContext): StreamTranslator;
  /** Upstream non-2xx answer → GatewayError with the upstream's message and, for 429, its retry delay. */
  toGatewayError(status: number, headers: UpstreamHeaders, body: string): GatewayError;
  /** The format's embeddings API; absent where there is none (Anthropic). Its errors go through `toGatewayError`. */
  readonly embeddings?: EmbeddingsAdapter;
  /** The format's token counting API for a native body of its own format; absent where there is none. */
  readonly countTokens?: TokenCountAdapter;
}

/** A token counting API (Anthropic's `count_tokens`): pure translation of one call. Errors go through `toGatewayError`. */
export interface TokenCountAdapter {
  /** A native body of the adapter's format (a Messages body for Anthropic) → the upstream count request. */
  toUpstream(native: NativeBody, target: UpstreamTarget): { request: UpstreamRequest };
  /** Upstream 2xx JSON body → the prompt's input tokens; throws a 502 GatewayError when it holds no count. */
  fromUpstream(body: unknown): number;
}

/** An embeddings API: pure translation of one call, like the chat methods above. */
export interface EmbeddingsAdapter {
  /** Most inputs one upstream call takes; the gateway splits larger requests into calls of at most this many. */
  readonly maxInputsPerCall: number;
  /** A call (the request, or one batch of it) → the upstream request. */
  toUpstream(call: EmbeddingCall, target: UpstreamTarget): { request: UpstreamRequest };
  /** Upstream 2xx JSON body → the call's vectors; throws a 502 GatewayError when the body is not what was asked for. */
  fromUpstream(body: unknown, call: EmbeddingCall): EmbeddingResponse;
}
