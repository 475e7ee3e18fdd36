/**
 * The bounds on upstream bodies: a 2xx answer read whole only up to its cap (declared or streamed past it: a 502
 * carrying the tokens that arrived, the connection closed), an error body cut to its message, and a stream request
 * answered with anything but an event stream refused before any byte reaches the client.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../core/gateway-error.js';
import { Cancellation } from './cancellation.js';
import { jsonReply, sseReply } from './testing.js';
import { assertEventStream, readBodyText, readErrorText } from './upstream-body.js';

function caught(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('expected a GatewayError');
}

describe('readBodyText', () => {
  it('reads a body within the limit whole', async () => {
    assert.equal(await readBodyText(jsonReply({ ok: true }), new Cancellation(), 100), '{"ok":true}');
  });

  it('refuses a body that declares more than the limit without reading it', async () => {
    const reply = sseReply('application/json');
    reply.response.headers['content-length'] = '4096';
    await assert.rejects(readBodyText(reply.response, new Cancellation(), 1024), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 502);
      assert.equal(error.retryable, false, 'the provider already billed it: no failover');
      assert.equal(error.upstream, false, "not the provider's failure");
      assert.ok((error.unrelayedOutputTokens ?? 0) > 0);
      return true;
    });
    assert.ok(reply.destroyed(), 'the connection is closed');
  });

  it('refuses a body that grows past the limit as it is read, and closes it', async () => {
    const reply = sseReply('application/json');
    reply.push('x'.repeat(600));
    reply.push('x'.repeat(600));
    const read = readBodyText(reply.response, new Cancellation(), 1024);
    await assert.rejects(read, (error: unknown) => error instanceof GatewayError && error.status === 502);
    assert.ok(reply.destroyed());
  });

  it('a body broken mid-read is a retryable network failure', async () => {
    const reply = sseReply('application/json');
    reply.push('{"partial":');
    const read = readBodyText(reply.response, new Cancellation());
    reply.fail();
    await assert.rejects(read, (error: unknown) => error instanceof GatewayError && error.status === 503 && error.retryable);
  });
});

describe('readErrorText', () => {
  it('keeps the first 64 KiB of an error body and discards the rest', async () => {
    const reply = sseReply('text/plain');
    reply.push('e'.repeat(60 * 1024));
    reply.push('f'.repeat(10 * 1024));
    const text = await readErrorText(reply.response, new Cancellation());
    assert.equal(text.length, 64 * 1024);
    assert.ok(text.endsWith('f'.repeat(4 * 1024)));
    assert.ok(reply.destroyed());
  });
});

describe('assertEventStream', () => {
  it('accepts an event stream (any case, with parameters) and a missing content type', () => {
    assertEventStream(sseReply('Text/Event-Stream; charset=utf-8').response);
    const untyped = sseReply();
    delete untyped.response.headers['content-type'];
    assertEventStream(untyped.response);
  });

  it('refuses anything else with a retryable 502 naming the type, and closes the body', () => {
    const html = sseReply('text/html; charset=utf-8');
    const error = caught(() => assertEventStream(html.response));
    assert.equal(error.status, 502);
    assert.ok(error.retryable && error.upstream, 'another deployment may do better');
    assert.match(error.message, /text\/html instead of an event stream/);
    assert.ok(html.destroyed());
  });
});
