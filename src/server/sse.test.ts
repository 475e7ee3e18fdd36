import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { endSseEvents, writeSseEvents, type SseEventOut } from './sse.js';

/** Values as unnamed JSON events. */
const data = (...values: unknown[]): SseEventOut[] => values.map((value) => ({ data: value }));
const DONE: SseEventOut[] = [{ data: '[DONE]', raw: true }];

/** A response that records its writes, on a socket that corks; `full` makes every write ask to wait for `drain`. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  readonly written: string[] = [];
  /** How many writes had reached the wire (were not held by a cork) when each uncork happened. */
  readonly flushes: number[] = [];
  readonly socket = new FakeSocket(() => this.flushes.push(this.written.length));

  constructor(private readonly full: boolean) {
    super();
  }

  write(text: string): boolean {
    this.written.push(text);
    return !this.full;
  }

  /** Each `end` call, with what it wrote. */
  readonly ends: string[] = [];

  end(text: string): void {
    this.ends.push(text);
    this.writableEnded = true;
  }
}

/** Corks like a stream: counted, and `uncork()` on an uncorked socket does nothing. */
class FakeSocket {
  writableCorked = 0;

  constructor(private readonly onFlush: () => void) {}

  cork(): void {
    this.writableCorked += 1;
  }

  uncork(): void {
    if (this.writableCorked === 0) return;
    this.writableCorked -= 1;
    if (this.writableCorked === 0) this.onFlush();
  }
}

class FullResponse extends FakeResponse {
  constructor() {
    super(true);
  }
}

const asResponse = (fake: FakeResponse): ServerResponse => fake as unknown as ServerResponse;
const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('writeSseEvents and endSseEvents', () => {
  it('writes several values as consecutive events in one write', async () => {
    const res = new FakeResponse(false);
    assert.equal(await writeSseEvents(asResponse(res), data({ a: 1 }, { b: 2 })), true);
    assert.deepEqual(res.written, ['data: {"a":1}\n\ndata: {"b":2}\n\n']);
  });

  it('holds the writes of one turn and sends them together on the next tick', async () => {
    const res = new FakeResponse(false);
    await writeSseEvents(asResponse(res), data({ n: 1 }));
    await writeSseEvents(asResponse(res), data({ n: 2 }));
    await writeSseEvents(asResponse(res), DONE);
    assert.equal(res.socket.writableCorked, 1);
    assert.deepEqual(res.flushes, []);
    await nextTick();
    assert.equal(res.socket.writableCorked, 0);
    assert.deepEqual(res.flushes, [3]);
    await writeSseEvents(asResponse(res), data({ n: 3 }));
    await nextTick();
    assert.deepEqual(res.flushes, [3, 4]);
  });

  it('ends the response with its closing events in the same call, and not at all once the client has gone', async () => {
    const res = new FakeResponse(false);
    assert.equal(endSseEvents(asResponse(res), [{ event: 'done', data: { n: 1 } }, ...DONE]), true);
    assert.deepEqual(res.ends, ['event: done\ndata: {"n":1}\n\ndata: [DONE]\n\n']);
    assert.equal(endSseEvents(asResponse(res), DONE), false);
    const gone = new FakeResponse(false);
    gone.destroyed = true;
    assert.equal(endSseEvents(asResponse(gone), DONE), false);
    assert.deepEqual(gone.ends, []);
  });

  it('waits for drain, and leaves no listener behind however many times it waited', async () => {
    const res = new FullResponse();
    for (let i = 0; i < 100; i++) {
      const written = writeSseEvents(asResponse(res), data({ n: i }));
      assert.equal(res.listenerCount('drain'), 1);
      res.emit('drain');
      assert.equal(await written, true);
    }
    assert.equal(res.listenerCount('drain'), 0);
    assert.equal(res.listenerCount('close'), 0);
    assert.equal(res.listenerCount('error'), 0);
    assert.equal(res.written[99], 'data: {"n":99}\n\n');
  });

  it('answers false when the client goes away while it waits, and writes nothing after that', async () => {
    const res = new FullResponse();
    const written = writeSseEvents(asResponse(res), DONE);
    res.destroyed = true;
    res.emit('close');
    assert.equal(await written, false);
    assert.equal(res.listenerCount('close'), 0);
    assert.equal(await writeSseEvents(asResponse(res), data({})), false);
    assert.equal(res.written.length, 1);
  });
});

describe('SSE on a real socket (Node 21+ corks responses differently: nodejs/node#50167)', () => {
  /** Serves `handler` on a loopback port and sends one GET; the client socket is paused until the caller reads. */
  async function request(handler: RequestListener): Promise<{ client: Socket; close: () => void }> {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.pause();
    // write, not end: a client that half-closes gets its response cut short by the server.
    client.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    return { client, close: () => server.close() };
  }

  /** Reads the whole response and decodes its chunked body; `rest` is what follows the terminating chunk. */
  async function readBody(client: Socket): Promise<{ body: string; rest: string }> {
    const parts: Buffer[] = [];
    client.on('data', (part: Buffer) => parts.push(part));
    client.resume();
    await once(client, 'close');
    const raw = Buffer.concat(parts).toString('latin1');
    let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    let body = '';
    for (;;) {
      const size = Number.parseInt(rest.slice(0, rest.indexOf('\r\n')), 16);
      assert.ok(Number.isInteger(size), `not a chunk size: ${JSON.stringify(rest.slice(0, 20))}`);
      rest = rest.slice(rest.indexOf('\r\n') + 2);
      if (size === 0) return { body, rest };
      body += rest.slice(0, size);
      rest = rest.slice(size + 2);
    }
  }

  it('ends the body after the events of its last turn', async () => {
    const { client, close } = await request((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        await writeSseEvents(res, data({ n: 1 }));
        await writeSseEvents(res, data({ n: 2 }));
        endSseEvents(res, DONE);
      })();
    });
    try {
      const { body, rest } = await readBody(client);
      assert.equal(body, 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
      assert.equal(rest, '\r\n', 'nothing follows the terminating chunk');
    } finally {
      close();
    }
  });

  it('waits for drain while the client does not read, and sends everything once it does', { timeout: 60_000 }, async () => {
    // 64 MiB is far more than the kernel's socket buffers take: without backpressure every write would succeed.
    const events = 1024;
    const pad = 'x'.repeat(64 * 1024);
    let blockedAfter: number | undefined;
    let stopWaiting = (): void => undefined;
    const blockedOrDone = new Promise<void>((resolve) => (stopWaiting = resolve));
    const { client, close } = await request((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (let n = 0; n < events; n += 1) {
          const written = writeSseEvents(res, data({ n, pad }));
          if (res.writableNeedDrain && blockedAfter === undefined) {
            blockedAfter = n;
            stopWaiting();
          }
          await written;
        }
        stopWaiting();
        endSseEvents(res, DONE);
      })();
    });
    try {
      await blockedOrDone;
      assert.ok(blockedAfter !== undefined && blockedAfter < events / 2, `the first wait for drain came after event ${blockedAfter}`);
      const { body, rest } = await readBody(client);
      assert.equal(body.split('\n\n').length - 1, events + 1);
      assert.ok(body.endsWith(`data: {"n":${events - 1},"pad":"${pad}"}\n\ndata: [DONE]\n\n`));
      assert.equal(rest, '\r\n');
    } finally {
      close();
    }
  });
});
