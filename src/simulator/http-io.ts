/**
 * @module Low-level HTTP helpers for the simulator: reading a bounded body, sending a JSON reply, and waiting
 * (the latency knob) without leaking a timer when the client goes away.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpReply } from './wire-format.js';

/** Bodies larger than this get a 413; real chat requests with images stay well under it. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads the whole request body as text, or reports that it was too large. Rejects if the request errors. */
export function readBody(req: IncomingMessage): Promise<{ text: string } | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
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
      if (tooLarge) resolve({ tooLarge: true });
      else resolve({ text: chunks.length === 1 ? (chunks[0]?.toString('utf8') ?? '') : Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
  });
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
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  };
  if (reply.status === 429) headers['retry-after'] = '1';
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * Runs `action` after `ms` (immediately when `ms` ≤ 0). If the connection closes first, the timer is cleared
 * and `action` never runs.
 */
export function afterDelay(res: ServerResponse, ms: number, action: () => void): void {
  if (ms <= 0) {
    action();
    return;
  }
  const onClose = (): void => clearTimeout(timer);
  const timer = setTimeout(() => {
    res.off('close', onClose);
    if (!res.destroyed) action();
  }, ms);
  res.once('close', onClose);
}
