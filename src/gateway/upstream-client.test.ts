/**
 * `UpstreamClient` against a server on 127.0.0.1 the test starts: where a request goes (the base URL's path kept),
 * what it carries (the adapter's headers plus the attempt's trace headers), and how failures are classified —
 * the provider's (refused connection, slow headers: 503, retryable) apart from the client's (499) and the
 * gateway's own (500, never retried).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { errors as undiciErrors } from 'undici';
import { GatewayError } from '../core/gateway-error.js';
import { Cancellation } from './cancellation.js';
import { TEST_TIMEOUTS } from './testing.js';
import { toNetworkError, UpstreamClient } from './upstream-client.js';

interface Seen {
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let origin: string;
const seen: Seen[] = [];
/** Requests to `/slow` get no answer until the test ends. */
const held: (() => void)[] = [];

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      if (req.url?.endsWith('/slow') === true) {
        held.push(() => res.end());
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const release of held) release();
  await new Promise((resolve) => server.close(resolve));
});

describe('UpstreamClient.send', () => {
  it("POSTs the JSON body under the base URL's path, with the request's and the trace headers", async () => {
    const client = new UpstreamClient(TEST_TIMEOUTS);
    try {
      const traceparent = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
      const request = { path: '/chat/completions', headers: { authorization: 'Bearer sk-unit', 'content-type': 'application/json' }, body: { a: 1 } };
      const response = await client.send(`${origin}/openai/v1/`, request, new Cancellation(), { traceparent });
      assert.equal(response.status, 201);
      assert.equal(await response.body.text(), '{"ok":true}');
      const last = seen.at(-1);
      assert.equal(last?.url, '/openai/v1/chat/completions');
      assert.equal(last?.body, '{"a":1}');
      assert.equal(last?.headers.authorization, 'Bearer sk-unit');
      assert.equal(last?.headers.traceparent, traceparent);
    } finally {
      await client.close();
    }
  });

  it('a slow first byte is a retryable 503 (the provider timed out)', async () => {
    const client = new UpstreamClient({ ...TEST_TIMEOUTS, firstByteMs: 50 });
    try {
      await assert.rejects(client.send(origin, { path: '/slow', headers: {}, body: {} }, new Cancellation()), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 503);
        assert.match(error.message, /timed out/);
        assert.ok(error.retryable && error.upstream);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('a cancelled request is a 499 that is not retried', async () => {
    const client = new UpstreamClient(TEST_TIMEOUTS);
    try {
      const cancellation = new Cancellation();
      const pending = client.send(origin, { path: '/slow', headers: {}, body: {} }, cancellation);
      while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
      cancellation.cancel();
      await assert.rejects(pending, (error: unknown) => error instanceof GatewayError && error.status === 499 && !error.retryable);
    } finally {
      await client.close();
    }
  });

  it('a body that cannot be encoded is the gateway’s own 500, not the provider’s', async () => {
    const client = new UpstreamClient(TEST_TIMEOUTS);
    try {
      await assert.rejects(client.send(origin, { path: '/x', headers: {}, body: { n: 1n } }, new Cancellation()), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 500);
        assert.equal(error.upstream, false);
        return true;
      });
    } finally {
      await client.close();
    }
  });
});

describe('toNetworkError', () => {
  it("maps network failures to the provider's retryable 503", () => {
    for (const failure of [
      new undiciErrors.ConnectTimeoutError(),
      new undiciErrors.HeadersTimeoutError(),
      new undiciErrors.SocketError('closed'),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
    ]) {
      const error = toNetworkError(failure);
      assert.equal(error.status, 503, failure.message);
      assert.ok(error.retryable && error.upstream, failure.message);
    }
  });

  it("anything else thrown is the gateway's own 500, never retried nor blamed on the provider", () => {
    for (const failure of [new TypeError('x is undefined'), Object.assign(new Error('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' }), 'a string']) {
      const error = toNetworkError(failure);
      assert.equal(error.status, 500);
      assert.ok(!error.retryable && !error.upstream);
    }
  });

  it('once the client is gone, any failure is a 499; a GatewayError passes through as is', () => {
    const cancellation = new Cancellation();
    cancellation.cancel();
    assert.equal(toNetworkError(new undiciErrors.SocketError('closed'), cancellation).status, 499);
    const own = new GatewayError(429, 'rate_limit_exceeded', 'slow down');
    assert.equal(toNetworkError(own, cancellation), own);
  });
});
