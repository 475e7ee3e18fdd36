/**
 * @module Upstream SSE body → events, with eventsource-parser doing the spec work (line endings, multi-line data,
 * comments). Events are yielded as soon as their bytes arrive; nothing is buffered beyond one partial event.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SseEvent } from '../providers/types.js';

/** Reads an SSE byte stream and yields each complete event. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    while (pending.length > 0) yield pending.shift() as SseEvent;
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  while (pending.length > 0) yield pending.shift() as SseEvent;
}
