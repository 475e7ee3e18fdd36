/**
 * @module Upstream SSE body → events, with eventsource-parser doing the spec work (line endings, multi-line data,
 * comments). Events are yielded as soon as their bytes arrive, in batches: every event completed by one piece of
 * the body comes out together, so a piece carrying twenty events costs one hop through the stream pipeline, not
 * twenty. Nothing is buffered beyond one partial event, and that one is bounded: an upstream that sends more than
 * `maxEventBytes` without completing an event is cut off, and so is one that goes `maxEventGapMs` without an event
 * while sending only comments (keep-alive pings reset the socket's idle timer, not this one).
 */
import { ESTIMATE_BYTES_PER_TOKEN } from '../metering/index.js';
import { performance } from 'node:perf_hooks';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { GatewayError } from '../core/gateway-error.js';
import type { SseEvent } from '../providers/index.js';

/** `TextDecoder.decode` options for every piece but the last (one object, not one per piece). */
const STREAMING = { stream: true } as const;

/** The bounds of {@link readSseBatches}; both default to none. */
export interface SseBounds {
  /** Bytes that may arrive without completing an event (comments and pings count too). */
  maxEventBytes?: number;
  /** Milliseconds that may pass without an event while bytes (comments, pings) keep arriving. */
  maxEventGapMs?: number;
  /** A monotonic clock in ms; defaults to `performance.now`. */
  now?: () => number;
}

/**
 * Reads an SSE byte stream and yields the events each piece completes (never an empty batch). Throws a 502
 * GatewayError once more than `maxEventBytes` have arrived since the last complete event (a bound on what the
 * parser holds), and a 503 once a piece arrives more than `maxEventGapMs` after the last event (or the start).
 */
export async function* readSseBatches(body: AsyncIterable<Uint8Array>, bounds: SseBounds = {}): AsyncGenerator<SseEvent[]> {
  const { maxEventBytes = Number.POSITIVE_INFINITY, maxEventGapMs = Number.POSITIVE_INFINITY, now = (): number => performance.now() } = bounds;
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  const decoder = new TextDecoder();
  let sinceEvent = 0;
  let lastEventAt = now();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, STREAMING));
    // An event completed in this piece: what the parser still holds is at most this piece's tail (pieces read off a
    // socket are at most 64 KiB, so this never mistakes a run of small events for one large one).
    sinceEvent = pending.length > 0 ? bytes.length : sinceEvent + bytes.length;
    if (pending.length > 0) {
      lastEventAt = now();
      yield pending;
      pending = [];
    } else if (now() - lastEventAt > maxEventGapMs) {
      throw new GatewayError(503, 'provider_unavailable', `The provider timed out: no event for ${maxEventGapMs} ms, only keep-alive comments.`, {
        retryable: true,
        upstream: true,
      });
    }
    if (sinceEvent > maxEventBytes) {
      const limit = maxEventBytes >= 1024 * 1024 ? `${Math.round(maxEventBytes / 1024 / 1024)} MiB` : `${maxEventBytes} bytes`;
      // The gateway refuses to relay it, which is no fault of the provider's: not retryable, not counted against its
      // health, and what it generated is the tenant's to pay (estimated from the bytes that arrived).
      throw new GatewayError(502, 'provider_error', `An event of the provider's stream exceeded the ${limit} limit.`, {
        retryable: false,
        unrelayedOutputTokens: Math.ceil(sinceEvent / ESTIMATE_BYTES_PER_TOKEN),
      });
    }
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  if (pending.length > 0) yield pending;
}
