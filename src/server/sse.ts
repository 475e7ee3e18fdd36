/**
 * @module Server-Sent Events to the client: the one place that serialises stream chunks. Writes respect
 * backpressure, so a slow reader slows the upstream read instead of growing a buffer.
 */
import type { ServerResponse } from 'node:http';

/** An event in a door's format: `event: <name>` when named, then `data: <json>` (or the data as is when raw). */
export interface SseEventOut {
  readonly event?: string;
  readonly data: unknown;
  /** The data is written as is (OpenAI's `[DONE]`), not as JSON. */
  readonly raw?: boolean;
}

/**
 * Writes events in a door's format, all in one write. Resolves when the socket can take more; false when the client
 * has gone.
 */
export function writeSseEvents(res: ServerResponse, events: ReadonlyArray<SseEventOut>): Promise<boolean> {
  if (events.length === 0) return Promise.resolve(!res.destroyed && !res.writableEnded);
  return writeRaw(res, sseText(events));
}

/**
 * Writes a stream's closing events and ends the response with them, so the body's terminating chunk leaves in the
 * same system call as the last events instead of one of its own. False when the client had gone.
 */
export function endSseEvents(res: ServerResponse, events: ReadonlyArray<SseEventOut>): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.end(sseText(events));
  return true;
}

function sseText(events: ReadonlyArray<SseEventOut>): string {
  let text = '';
  for (const { event, data, raw } of events) {
    if (event !== undefined) text += `event: ${event}\n`;
    text += `data: ${raw === true ? String(data) : JSON.stringify(data)}\n\n`;
  }
  return text;
}

async function writeRaw(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  corkUntilNextTick(res);
  if (res.write(text)) return true;
  if (res.destroyed) return false;
  await drainOrClose(res);
  return !res.destroyed;
}

/**
 * Holds this turn's writes and sends them in one system call once the current run of promise jobs is over. An
 * upstream read often carries many events, which the translation turns into chunks without yielding to the event
 * loop: they now leave in one packet instead of one each, while a lone chunk still leaves within microseconds.
 * `end()` flushes whatever is held.
 *
 * The socket is corked, not the response: since Node 21 a corked response keeps its chunks back itself and hands
 * them to the socket on `uncork()` without looking at the socket's buffer, so `write()` stops reporting backpressure
 * (a paused client's stream either never drains or buffers without bound), and `end()` writes the terminating chunk
 * ahead of the held ones. The socket's own cork keeps both as on Node 20.
 * @see https://github.com/nodejs/node/pull/50167
 */
function corkUntilNextTick(res: ServerResponse): void {
  const { socket } = res;
  if (socket === null || socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}

/**
 * Resolves on `drain` or `close`, whichever comes first, and removes both listeners. (`Promise.race` over two
 * `events.once` left the loser's `close` and `error` listeners on the response: one pair per wait, so a slow reader
 * of a long stream piled up thousands of them.)
 */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
