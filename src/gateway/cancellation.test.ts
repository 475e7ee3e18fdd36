import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { Cancellation } from './cancellation.js';

describe('Cancellation', () => {
  let server: Server;
  let origin: string;
  before(async () => {
    // Answers nothing: a request to it waits until cancelled.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('aborts once, and undici gives up a request in flight when it is cancelled', async () => {
    const cancellation = new Cancellation();
    let events = 0;
    cancellation.on('abort', () => (events += 1));
    const agent = new Agent();
    const pending = agent.request({ origin, path: '/', method: 'GET', signal: cancellation });
    setTimeout(() => cancellation.cancel(), 20);
    await assert.rejects(pending, { name: 'AbortError' });
    cancellation.cancel();
    assert.equal(cancellation.aborted, true);
    assert.equal(events, 1);
    await agent.close();
  });
});
