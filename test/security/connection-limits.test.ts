/**
 * Timeouts and caps of inbound connections (issue 14, finding 4), on raw sockets against a started gateway with
 * short limits: a body trickled a byte at a time, or headers that never finish, are cut at the request timeout
 * (408, then the connection closes) long before the trickle would have ended; a connection past the cap is closed
 * on arrival. The limits time only the receiving of a request: a request that arrived in time is answered, however
 * long its answer takes (see `src/server/connection-options.ts`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** The request timeout under test; a trickle would take 10 times as long. */
const REQUEST_TIMEOUT_MS = 800;

let gw: TestGateway;
let port: number;
before(async () => {
  gw = await startTestGateway((config) => {
    config.connections.headersTimeoutMs = REQUEST_TIMEOUT_MS;
    config.connections.requestTimeoutMs = REQUEST_TIMEOUT_MS;
    config.connections.maxConnections = 3;
  });
  port = Number(new URL(gw.url).port);
});
after(async () => {
  await gw?.close();
});

/** A socket that records what it receives and when it closes. */
async function open(): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  return { socket, received: () => text, closed: () => closed };
}

/** Writes `text` a byte every `gapMs` until done or the socket closes; answers how many bytes went out. */
async function trickle(conn: Awaited<ReturnType<typeof open>>, text: string, gapMs: number): Promise<number> {
  let sent = 0;
  for (const byte of text) {
    if (conn.closed() || conn.socket.destroyed) break;
    conn.socket.write(byte);
    sent += 1;
    await sleep(gapMs);
  }
  return sent;
}

describe('inbound connection limits', () => {
  it('a slowly trickled body is cut at the request timeout with a 408, before the trickle ends', async () => {
    const conn = await open();
    const body = JSON.stringify({ email: 'slow@example.com', password: 'x'.repeat(60) });
    conn.socket.write(`POST /api/login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    // One byte per 100 ms: ~10 s for the whole body, ten times the timeout.
    const sent = await trickle(conn, body, 100);
    assert.ok(conn.closed(), 'the server closed the connection');
    assert.ok(sent < body.length, `cut after ${sent} of ${body.length} body bytes`);
    assert.match(conn.received(), /^HTTP\/1\.1 408 /);
    assert.match(conn.received(), /"code":"invalid_request"/);
  });

  it('headers that never finish are cut the same way', async () => {
    const conn = await open();
    const head = `GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: ${'a'.repeat(100)}\r\n\r\n`;
    const sent = await trickle(conn, head, 100);
    assert.ok(conn.closed(), 'the server closed the connection');
    assert.ok(sent < head.length, `cut after ${sent} of ${head.length} header bytes`);
  });

  it('a request that arrived in time is answered, and its keep-alive connection stays usable', async () => {
    const conn = await open();
    conn.socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await sleep(REQUEST_TIMEOUT_MS * 2);
    assert.match(conn.received(), /^HTTP\/1\.1 200 /);
    assert.equal(conn.closed(), false, 'idle keep-alive is not the request timeout');
    conn.socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await sleep(100);
    assert.equal(conn.received().match(/HTTP\/1\.1 200 /g)?.length, 2);
    conn.socket.destroy();
  });

  it('connections past the cap are closed on arrival', async () => {
    await sleep(100); // the earlier tests' connections are gone
    const held = [await open(), await open(), await open()];
    await sleep(50);
    const extra = await open();
    extra.socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await sleep(200);
    assert.equal(extra.closed(), true, 'the fourth connection was closed');
    assert.equal(extra.received(), '', 'and got no answer');
    assert.ok(
      held.every((conn) => !conn.closed()),
      'the three within the cap stay open',
    );
    for (const conn of held) conn.socket.destroy();
    await sleep(50);
    const later = await open();
    later.socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await sleep(200);
    assert.match(later.received(), /^HTTP\/1\.1 200 /, 'room again once the others closed');
    later.socket.destroy();
  });
});
