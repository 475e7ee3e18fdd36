/** @module The Redis attempt log: the shared contract on an injected clock, then its Redis-side behaviour. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { connectTestRedis, describeWithRedis } from '../../cluster/testing.js';
import { runAttemptLogContract } from './attempt-log.contract.test.js';
import { RedisAttemptLog } from './redis-attempt-log.js';

const redis = await connectTestRedis();

describeWithRedis('RedisAttemptLog', redis, (client, prefixes) => {
  runAttemptLogContract('redis', (now) => new RedisAttemptLog({ redis: client, prefix: prefixes.next(), now }));

  it('runs on the Redis clock by default, and every key it writes expires after its window', async () => {
    const prefix = prefixes.next();
    const log = new RedisAttemptLog({ redis: client, prefix });
    const taken = await log.take([
      { key: 'login:email:a@example.com', limit: 1, windowMs: 60_000 },
      { key: 'login:addr:203.0.113.7', limit: 5, windowMs: 120_000 },
    ]);
    assert.ok(taken.allowed);
    const refused = await log.take([{ key: 'login:email:a@example.com', limit: 1, windowMs: 60_000 }]);
    assert.ok(!refused.allowed && refused.retryAfterMs > 59_000 && refused.retryAfterMs <= 60_000);
    const keys = await client.keys(`${prefix}:*`);
    assert.equal(keys.length, 2);
    for (const key of keys) {
      const ttl = await client.pttl(key);
      assert.ok(ttl > 0 && ttl <= 120_000, `${key} expires (${ttl} ms)`);
    }
  });

  it('loads its script again after SCRIPT FLUSH', async () => {
    const log = new RedisAttemptLog({ redis: client, prefix: prefixes.next() });
    await client.script('FLUSH');
    assert.equal((await log.take([{ key: 'k', limit: 1, windowMs: 1000 }])).allowed, true);
  });
});
