/** @module Shared routing health: the health contract on Redis, then outcomes shared between instances. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { connectTestRedis, describeWithRedis, waitFor } from '../../cluster/testing.js';
import type { HealthOptions } from '../health.js';
import { manualClock } from '../strategies/strategy.contract.test.js';
import { runHealthStoreContract } from '../health-store.contract.test.js';
import { RedisHealthStore } from './redis-health-store.js';

const redis = await connectTestRedis();

describeWithRedis('RedisHealthStore', redis, (client, prefixes) => {
  const started: RedisHealthStore[] = [];
  after(async () => {
    for (const store of started.splice(0)) await store.close();
  });
  async function open(options: HealthOptions, prefix: string, redisClient: Redis = client): Promise<RedisHealthStore> {
    const store = new RedisHealthStore({ ...options, redis: redisClient, prefix });
    await store.start();
    started.push(store);
    return store;
  }

  describe('health store contract: redis', () => {
    runHealthStoreContract((options) => open(options, prefixes.next()));
  });

  it('shares outcomes: a second instance converges on the first one’s estimates', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    const b = await open({ now: clock.now }, prefix);
    for (let i = 0; i < 30; i++) {
      a.recordSuccess('p/m', { ttftMs: 200, totalMs: 1190, outputTokens: 100 });
      clock.advance(100);
    }
    for (let i = 0; i < 10; i++) b.recordFailure('p/m', { retryable: true });
    await waitFor(() => a.snapshot('p/m').outcomes === 40 && b.snapshot('p/m').outcomes === 40, 2000, 'both to count 40');
    assert.deepEqual(b.snapshot('p/m'), a.snapshot('p/m'));
    assert.ok(a.snapshot('p/m').successRate < 0.8);
  });

  it('shares non-streamed outcomes as such: both instances rescale the same split', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    const b = await open({ now: clock.now }, prefix);
    for (let i = 0; i < 5; i++) a.recordSuccess('p/m', { ttftMs: 200, totalMs: 1190, outputTokens: 100 });
    for (let i = 0; i < 20; i++) {
      a.recordSuccess('p/m', { ttftMs: undefined, totalMs: 595, outputTokens: 100 });
      clock.advance(100);
    }
    await waitFor(() => b.snapshot('p/m').outcomes === 25, 2000, 'b to count 25');
    assert.deepEqual(b.snapshot('p/m'), a.snapshot('p/m'));
    assert.ok(a.snapshot('p/m').ttftMs < 150, 'the non-streamed calls made it faster');
  });

  it('replays recent outcomes to an instance that starts later', async () => {
    const clock = manualClock();
    const prefix = prefixes.next();
    const a = await open({ now: clock.now }, prefix);
    for (let i = 0; i < 5; i++) a.recordFailure('p/down', { retryable: true });
    await a.close();
    const late = await open({ now: clock.now }, prefix);
    assert.equal(late.snapshot('p/down').outcomes, 5);
  });
});
