import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { endSse, writeSseData, writeSseDone } from './sse.js';

/** A response that records its writes and corks; `full` makes every write ask to wait for `drain`. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  writableCorked = 0;
  readonly written: string[] = [];
  /** How many writes had reached the socket (were not held by a cork) when each uncork happened. */
  readonly flushes: number[] = [];

  constructor(private readonly full: boolean) {
    super();
  }

  write(text: string): boolean {
    this.written.push(text);
    return !this.full;
  }

  cork(): void {
    this.writableCorked += 1;
  }

  uncork(): void {
    this.writableCorked -= 1;
    if (this.writableCorked === 0) this.flushes.push(this.written.length);
  }
}

class FullResponse extends FakeResponse {
  constructor() {
    super(true);
  }
}

const asResponse = (fake: FakeResponse): ServerResponse => fake as unknown as ServerResponse;
const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('writeSseData', () => {
  it('writes several values as consecutive events in one write', async () => {
    const res = new FakeResponse(false);
    assert.equal(await writeSseData(asResponse(res), { a: 1 }, { b: 2 }), true);
    assert.deepEqual(res.written, ['data: {"a":1}\n\ndata: {"b":2}\n\n']);
  });

  it('holds the writes of one turn and sends them together on the next tick', async () => {
    const res = new FakeResponse(false);
    await writeSseData(asResponse(res), { n: 1 });
    await writeSseData(asResponse(res), { n: 2 });
    await writeSseDone(asResponse(res));
    assert.equal(res.writableCorked, 1);
    assert.deepEqual(res.flushes, []);
    await nextTick();
    assert.equal(res.writableCorked, 0);
    assert.deepEqual(res.flushes, [3]);
    await writeSseData(asResponse(res), { n: 3 });
    await nextTick();
    assert.deepEqual(res.flushes, [3, 4]);
  });

  it('waits for drain, and leaves no listener behind however many times it waited', async () => {
    const res = new FullResponse();
    for (let i = 0; i < 100; i++) {
      const written = writeSseData(asResponse(res), { n: i });
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
    const written = writeSseDone(asResponse(res));
    res.destroyed = true;
    res.emit('close');
    assert.equal(await written, false);
    assert.equal(res.listenerCount('close'), 0);
    assert.equal(await writeSseData(asResponse(res), {}), false);
    assert.equal(res.written.length, 1);
  });
});

describe('endSse', () => {
  it('sends the events still held by the cork before the end of the body (a real socket, Node 21+ regression)', async () => {
    const server = createServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        await writeSseData(res, { n: 1 });
        await writeSseData(res, { n: 2 });
        await writeSseDone(res);
        endSse(res);
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      socket.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      let raw = '';
      socket.setEncoding('utf8').on('data', (text: string) => (raw += text));
      await once(socket, 'close');
      const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      // Chunked framing: <hex size>\r\n<data>\r\n ... and the zero-size chunk last, nothing after it.
      let decoded = '';
      let rest = body;
      for (;;) {
        const size = Number.parseInt(rest.slice(0, rest.indexOf('\r\n')), 16);
        rest = rest.slice(rest.indexOf('\r\n') + 2);
        if (size === 0) break;
        decoded += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
      assert.equal(decoded, 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
      assert.equal(rest, '\r\n', 'nothing follows the terminating chunk');
    } finally {
      server.close();
    }
  });
});
