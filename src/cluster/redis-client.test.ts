/** @module The Redis connection settings: the hot-path client fails fast; the blocking one waits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBlockingConnection, createRedisClient, REDIS_COMMAND_TIMEOUT_MS } from './redis-client.js';

describe('createRedisClient', () => {
  it('refuses commands at once while disconnected instead of queueing them', async () => {
    const errors: unknown[] = [];
    const client = createRedisClient('redis://127.0.0.1:1', { onError: (error) => errors.push(error) });
    try {
      await assert.rejects(client.connect());
      const outcome = await Promise.race([
        client.ping().then(
          () => 'answered',
          () => 'refused',
        ),
        new Promise((resolve) => setTimeout(() => resolve('queued'), 2000).unref()),
      ]);
      assert.equal(outcome, 'refused');
      assert.ok(errors.length > 0, 'connection errors reach onError');
    } finally {
      client.disconnect();
    }
  });

  it('gives hot-path commands a deadline and blocking connections none', () => {
    const client = createRedisClient('redis://127.0.0.1:6379');
    const blocking = createBlockingConnection(client);
    assert.equal(client.options.commandTimeout, REDIS_COMMAND_TIMEOUT_MS);
    assert.equal(client.options.enableOfflineQueue, false);
    assert.equal(blocking.options.commandTimeout, undefined);
    assert.equal(blocking.options.enableOfflineQueue, true);
    assert.equal(blocking.options.maxRetriesPerRequest, null);
    client.disconnect();
    blocking.disconnect();
  });
});
