/**
 * A loopback "provider" whose every answer the test scripts: a plain `node:http` server on 127.0.0.1:0 that hands
 * each request (body already read) to the current `handler`. Tests point a provider's `baseUrl` at it through
 * `startTestGateway({ adjust })` and switch the handler per case: answer well, reset the socket mid-body, stall,
 * send malformed or oversized bodies. It counts requests and open sockets, and remembers how each response ended.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One upstream request, body read. */
export interface FaultRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The parsed JSON body (`undefined` when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

/** Answers one request; may write anything, end, stall or destroy the socket. */
export type FaultHandler = (req: FaultRequest, res: ServerResponse) => void | Promise<void>;

/** How the last response ended on the upstream's side. */
export interface ResponseEnd {
  /** The response was fully written (`finish`); false when the peer closed it first. */
  finished: boolean;
}

export interface FaultUpstream {
  url: string;
  /** The current handler; replace it per test. */
  handler: FaultHandler;
  /** Requests received since start. */
  requests: number;
  /** Resolves when the response of the latest request has ended (finished, or closed by the peer). */
  lastEnd(): Promise<ResponseEnd>;
  /** Sockets currently open to the server. */
  openSockets(): number;
  close(): Promise<void>;
}

/** Starts a scripted upstream; the default handler answers a short OpenAI completion (JSON or SSE). */
export async function startFaultUpstream(): Promise<FaultUpstream> {
  const sockets = new Set<Socket>();
  let lastEnd: Promise<ResponseEnd> = Promise.resolve({ finished: true });
  const upstream: FaultUpstream = {
    url: '',
    handler: answerOpenAI,
    requests: 0,
    lastEnd: () => lastEnd,
    openSockets: () => sockets.size,
    close: () => closeServer(server, sockets),
  };
  const server = createServer((req, res) => {
    upstream.requests += 1;
    lastEnd = new Promise((resolve) => {
      let finished = false;
      res.once('finish', () => (finished = true));
      res.once('close', () => resolve({ finished }));
    });
    void readBody(req).then(
      async (body) => {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        await upstream.handler({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, json }, res);
      },
      () => res.destroy(),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  server.close();
  await once(server, 'close');
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The model the request named, for echoing back. */
function modelOf(req: FaultRequest): string {
  return typeof req.json?.model === 'string' ? req.json.model : 'unknown';
}

/** An OpenAI chat completion with `content`. */
export function openAICompletion(model: string, content: string): Record<string, unknown> {
  return {
    id: 'chatcmpl-fault',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };
}

/** One OpenAI stream chunk as an SSE frame. */
export function openAIChunk(model: string, delta: Record<string, unknown>, finishReason: string | null = null): string {
  const chunk = {
    id: 'chatcmpl-fault',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The head of an OpenAI stream: the role chunk and one content chunk. */
export function openAIStreamHead(model: string): string {
  return openAIChunk(model, { role: 'assistant', content: '' }) + openAIChunk(model, { content: 'Hello' });
}

/** The rest of a well-formed OpenAI stream after {@link openAIStreamHead}: finish, usage, `[DONE]`. */
export function openAIStreamTail(model: string): string {
  const usage = {
    id: 'chatcmpl-fault',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };
  return `${openAIChunk(model, {}, 'stop')}data: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`;
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } as const;
export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** The well-behaved OpenAI upstream: a JSON completion, or a short stream, as the request asks. */
export function answerOpenAI(req: FaultRequest, res: ServerResponse): void {
  const model = modelOf(req);
  if (req.json?.stream === true) {
    res.writeHead(200, SSE_HEADERS);
    res.end(openAIStreamHead(model) + openAIStreamTail(model));
  } else {
    res.writeHead(200, JSON_HEADERS);
    res.end(JSON.stringify(openAICompletion(model, 'Hello there')));
  }
}

/** The model of a request, exported for handlers. */
export { modelOf };

/** What an {@link endlessStream} has done so far. */
export interface EndlessStreamStats {
  /** Streams started. */
  started: number;
  /** Bytes handed to `write` over all streams. */
  bytes: number;
  /** Streams currently waiting for `drain` (their reader is not keeping up). */
  waitingDrain: number;
  /** Streams whose peer has gone (the gateway closed the upstream request). */
  closed: number;
}

/**
 * An OpenAI stream that never ends: a role chunk, then content chunks, generated lazily, `framesPerTick` per
 * `intervalMs` (0: as fast as the socket takes them). Writes wait for `drain`, like the simulator's, so a paused
 * reader pauses the stream; the stream stops when its connection closes.
 */
export function endlessStream(options: { intervalMs: number; framesPerTick?: number }): { handler: FaultHandler; stats: EndlessStreamStats } {
  const stats: EndlessStreamStats = { started: 0, bytes: 0, waitingDrain: 0, closed: 0 };
  const framesPerTick = options.framesPerTick ?? 1;
  const handler: FaultHandler = (req, res) => {
    const model = modelOf(req);
    stats.started += 1;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let waiting = false;
    res.once('close', () => {
      closed = true;
      stats.closed += 1;
      if (waiting) stats.waitingDrain -= 1;
      waiting = false;
      if (timer !== undefined) clearTimeout(timer);
    });
    res.writeHead(200, SSE_HEADERS);
    res.write(openAIChunk(model, { role: 'assistant', content: '' }));
    let n = 0;
    const pump = (): void => {
      timer = undefined;
      if (waiting) {
        waiting = false;
        stats.waitingDrain -= 1;
      }
      for (;;) {
        if (closed) return;
        let batch = '';
        for (let i = 0; i < framesPerTick; i++) batch += openAIChunk(model, { content: `token ${n++} of an endless stream. ` });
        stats.bytes += batch.length;
        if (!res.write(batch)) {
          waiting = true;
          stats.waitingDrain += 1;
          res.once('drain', pump);
          return;
        }
        if (options.intervalMs > 0) {
          timer = setTimeout(pump, options.intervalMs);
          return;
        }
      }
    };
    pump();
  };
  return { handler, stats };
}
