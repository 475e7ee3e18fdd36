/**
 * @module Server-Sent Events to the client: the one place that serialises stream chunks. Writes respect
 * backpressure, so a slow reader slows the upstream read instead of growing a buffer.
 */
import type { ServerResponse } from 'node:http';

/**
 * Writes each value as `data: <json>\n\n`, all in one write. Resolves when the socket can take more; false when
 * the client has gone.
 */
export function writeSseData(res: ServerResponse, ...values: unknown[]): Promise<boolean> {
  let text = '';
  for (const value of values) text += `data: ${JSON.stringify(value)}\n\n`;
  return writeRaw(res, text);
}

/** Writes the closing `data: [DONE]` sentinel. */
export function writeSseDone(res: ServerResponse): Promise<boolean> {
  return writeRaw(res, 'data: [DONE]\n\n');
}

/**
 * Ends the response after sending what {@link corkUntilNextTick} still holds. Since Node 21 a corked response keeps
 * its chunks back to send them as one chunk on `uncork()`, while `end()` writes the terminating chunk at once: ended
 * while corked, the body's last events would follow its end, and the client reads them as garbage (undici: "Response
 * does not match the HTTP/1.1 protocol").
 * @see https://github.com/nodejs/node/pull/50167
 */
export function endSse(res: ServerResponse): void {
  while (res.writableCorked > 0) res.uncork();
  res.end();
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
 * {@link endSse} flushes whatever is held.
 */
function corkUntilNextTick(res: ServerResponse): void {
  if (res.writableCorked > 0) return;
  res.cork();
  process.nextTick(() => {
    if (!res.writableEnded) res.uncork();
  });
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
