/**
 * @module A recording pass-through between the gateway and the provider simulator, for the opt-in agent runs.
 * It forwards every request unchanged (streams included) and keeps each request's path, parsed JSON body, response
 * status and answer text, so a run can show what reached the upstream: the scripted tool call in the history, the tool
 * result the agent sent back, and whether Claude's signed thinking block came back with it. Loopback only.
 */

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** One request the gateway sent upstream. */
export interface TapRecord {
  method: string;
  /** Path and query, e.g. `/anthropic/v1/messages`. */
  path: string;
  /** The body parsed as JSON; `undefined` when empty or not JSON. */
  body: unknown;
  /** The upstream's status, once its headers arrived. */
  status: number | undefined;
  /** The upstream's answer as text (JSON or SSE), as much as arrived, up to the recorded size. */
  response: string;
}

/** A running tap. */
export interface Tap {
  /** Base URL to give the gateway instead of the simulator's. */
  url: string;
  /** Every request so far, in arrival order. */
  readonly records: readonly TapRecord[];
  close(): Promise<void>;
}

/** Largest body the tap parses, and most of an answer it keeps (agents send well under 1 MiB; more is forwarded, not kept). */
const MAX_RECORDED_BYTES = 8 * 1024 * 1024;

function parseBody(chunks: readonly Buffer[], size: number): unknown {
  if (size === 0 || size > MAX_RECORDED_BYTES) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function forward(target: URL, records: TapRecord[], req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
  });
  req.on('end', () => {
    const record: TapRecord = { method: req.method ?? 'GET', path: req.url ?? '/', body: parseBody(chunks, size), status: undefined, response: '' };
    records.push(record);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: record.method, path: record.path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        record.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const decoder = new StringDecoder('utf8');
        answer.on('data', (chunk: Buffer) => {
          if (record.response.length < MAX_RECORDED_BYTES) record.response += decoder.write(chunk);
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `tap: ${error.message}` } }));
    });
    res.on('close', () => upstream.destroy());
    upstream.end(Buffer.concat(chunks));
  });
}

/** Starts a tap on 127.0.0.1 that forwards to `targetUrl` (the simulator's base URL). */
export async function startTap(targetUrl: string): Promise<Tap> {
  const target = new URL(targetUrl);
  const records: TapRecord[] = [];
  const server: Server = createServer((req, res) => forward(target, records, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
