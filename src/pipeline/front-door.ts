/**
 * @module The front-door contract. Every API the gateway serves (OpenAI Chat Completions, embeddings, and the APIs
 * that follow) is a thin front door on one request pipeline: the door parses and validates its own wire format
 * into the canonical request, and encodes answers and stream events back into its own format; the pipeline owns
 * everything between (routing, admission, dispatch with failover, the client-disconnect abort, settling, the
 * ledger). Errors are rendered by the door's route error handler (OpenAI's shape for the OpenAI doors).
 */
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../core/chat-response.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { NativeEvent } from '../providers/index.js';
import type { UsageEndpoint } from '../store/index.js';

export type { UsageEndpoint } from '../store/index.js';

/** One server-sent event in the door's format: `event:` (omitted for data-only streams) and a JSON `data:`. */
export interface OutboundEvent {
  readonly event?: string;
  /** Serialised as JSON, or written as is when a string marked raw (OpenAI's `[DONE]`). */
  readonly data: unknown;
  /** Write `data` as it is (it is a string), not as JSON. */
  readonly raw?: boolean;
}

/** Encodes one streamed chat answer in a door's format. A fresh encoder per request: it may keep state. */
export interface ChatStreamEncoder {
  /**
   * Events for one translated step: its chunks (in order) and, when the upstream's format is one a door may relay
   * natively, the upstream event they came from. Called for every step that has either.
   */
  step(chunks: readonly ChatCompletionChunk[], native: NativeEvent | undefined): OutboundEvent[];
  /**
   * Events that end a stream that finished, given the settled usage (what the ledger records). May wait (the
   * Responses door stores the conversation before its final event reaches the client).
   */
  end(usage: Usage): OutboundEvent[] | Promise<OutboundEvent[]>;
  /** Events that end a stream that failed after its first byte. */
  error(error: GatewayError): OutboundEvent[];
}

/** A front door whose canonical request is a chat completion (Chat Completions, Responses, Messages). */
export interface ChatFrontDoor {
  /** Names the ledger row's endpoint. */
  readonly endpoint: UsageEndpoint;
  /**
   * The JSON body of a completed answer; its `usage` is settled (cost set, the ledger's numbers). May wait (the
   * Responses door stores the conversation before answering).
   */
  encodeCompletion(completion: ChatCompletion): unknown;
  /** A fresh encoder for a streamed answer. */
  streamEncoder(): ChatStreamEncoder;
}
