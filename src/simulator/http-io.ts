/**
 * @module Low-level HTTP helpers for the simulator: reading a bounded body, sending a JSON reply, and waiting
 * (the latency knob) without leaking a timer when the client goes away.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpReply } from './wire-format.js';

/** Bodies larger than this get a 413; real chat requests with images stay well under it. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A request body: its text, or the fact that it exceeded MAX_BODY_BYTES. */
export type BodyResult = { text: string } | { tooLarge: true };

/**
 * Reads the whole request body, then calls `onBody` inside `guarded`. Callback style rather than a Promise: this
 * runs on every request and skips a promise and a microtask. A request that errors mid-body is destroyed.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, onBody: (body: BodyResult) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    const body: BodyResult = tooLarge ? { tooLarge: true } : { text: Buffer.concat(chunks).toString('utf8') };
    guarded(res, () => onBody(body));
  });
  req.on('error', () => res.destroy());
}

/** Parses JSON text; a syntax error becomes its message. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Sends a JSON reply with a content length; 429s carry `retry-after: 1` whatever the provider. */
export function sendJson(res: ServerResponse, reply: HttpReply, extraHeaders: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  };
  if (reply.status === 429) headers['retry-after'] = '1';
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * Last resort for a bug in a handler: answer a generic 500 (or cut the connection if a stream already started)
 * instead of crashing the process that hosts the simulator.
 */
export function failInternally(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = `Simulator internal error: ${error instanceof Error ? error.message : String(error)}`;
  sendJson(res, { status: 500, body: { error: { message, type: 'server_error', param: null, code: null } } });
}

/** Runs `action`, turning a throw into `failInternally`. */
export function guarded(res: ServerResponse, action: () => void): void {
  try {
    action();
  } catch (error) {
    failInternally(res, error);
  }
}

/**
 * Runs `action` after `ms` (immediately when `ms` ≤ 0). If the connection closes first, the timer is cleared
 * and `action` never runs.
 */
export function afterDelay(res: ServerResponse, ms: number, action: () => void): void {
  if (ms <= 0) {
    guarded(res, action);
    return;
  }
  const onClose = (): void => clearTimeout(timer);
  const timer = setTimeout(() => {
    res.off('close', onClose);
    if (!res.destroyed) guarded(res, action);
  }, ms);
  res.once('close', onClose);
}
