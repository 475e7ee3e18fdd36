/**
 * Server-sent events over fetch: hands each event's data (its `data:` lines
 * joined) to the caller, with eventsource-parser doing the SSE format (the
 * same parser as the gateway's: comments, CRLF, multi-line data, `data:` with
 * or without a space). A final event the stream ends without a blank line
 * after is still delivered.
 */
import { createParser } from 'eventsource-parser';

export async function readSseData(body: ReadableStream<Uint8Array>, onData: (data: string) => void, signal?: AbortSignal): Promise<void> {
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const abort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    // Ends a last line and event the stream left open (an event already ended dispatches nothing again).
    parser.feed(`${decoder.decode()}\n\n`);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
