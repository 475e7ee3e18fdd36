/**
 * @module Server-Sent Events to the client: the one place that serialises stream chunks. Writes respect
 * backpressure, so a slow reader slows the upstream read instead of growing a buffer.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Writes `data: <json>\n\n`. Resolves when the socket can take more; false when the client has gone. */
export function writeSseData(res: ServerResponse, value: unknown): Promise<boolean> {
  return writeRaw(res, `data: ${JSON.stringify(value)}\n\n`);
}

/** Writes the closing `data: [DONE]` sentinel. */
export function writeSseDone(res: ServerResponse): Promise<boolean> {
  return writeRaw(res, 'data: [DONE]\n\n');
}

async function writeRaw(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(text)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}
