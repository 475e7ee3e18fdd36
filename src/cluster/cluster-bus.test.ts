/** @module The cluster bus: two instances on one prefix see each other's events, and only their own prefix's. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Redis } from 'ioredis';
import { ClusterBus } from './cluster-bus.js';
import { decodeClusterEvent, type ClusterEvent } from './cluster-events.js';
import { connectTestRedis, describeWithRedis, waitFor } from './testing.js';

const redis = await connectTestRedis();

describeWithRedis('ClusterBus', redis, (client, prefixes) => {
  async function startBus(prefix: string, extra: Partial<{ redis: Redis }> = {}): Promise<{ bus: ClusterBus; seen: ClusterEvent[] }> {
    const bus = new ClusterBus({ redis: extra.redis ?? client, prefix });
    const seen: ClusterEvent[] = [];
    bus.on((event) => seen.push(event));
    await bus.start();
    return { bus, seen };
  }

  it('delivers each instance’s events to the other within 100 ms, not back to itself', async () => {
    const prefix = prefixes.next();
    const a = await startBus(prefix);
    const b = await startBus(prefix);
    try {
      assert.equal(await a.bus.publish('config-changed'), 2);
      const toB = await waitFor(() => b.seen.length === 1, 100, 'b to see config-changed');
      await b.bus.publish('config-changed');
      const toA = await waitFor(() => a.seen.length === 1, 100, 'a to see config-changed');
      assert.deepEqual(b.seen, [{ type: 'config-changed', origin: a.bus.instanceId }]);
      assert.deepEqual(a.seen, [{ type: 'config-changed', origin: b.bus.instanceId }]);
      assert.ok(toA <= 100 && toB <= 100);
    } finally {
      await a.bus.close();
      await b.bus.close();
    }
  });

  it('keeps prefixes apart and survives a throwing handler', async () => {
    const a = await startBus(prefixes.next());
    const other = await startBus(prefixes.next());
    const b = await startBus(a.bus.channel.replace(/:cluster$/, ''));
    const errors: unknown[] = [];
    const thrower = new ClusterBus({ redis: client, prefix: a.bus.channel.replace(/:cluster$/, ''), onError: (e) => errors.push(e) });
    thrower.on(() => {
      throw new Error('handler bug');
    });
    await thrower.start();
    try {
      await a.bus.publish('config-changed');
      await waitFor(() => b.seen.length === 1 && errors.length === 1, 1000, 'delivery');
      assert.equal(other.seen.length, 0);
    } finally {
      for (const bus of [a.bus, b.bus, other.bus, thrower]) await bus.close();
    }
  });

  it('delivers a resync to itself after its subscription was interrupted', async () => {
    const prefix = prefixes.next();
    const name = `op-test-${prefix.slice(-12)}`;
    const reconnecting = client.duplicate({ connectionName: name, retryStrategy: () => 20 });
    const a = await startBus(prefix, { redis: reconnecting });
    const b = await startBus(prefix);
    try {
      const subscribers = String(await client.client('LIST'))
        .split('\n')
        .filter((entry) => entry.includes(` name=${name} `) && / sub=1 /.test(entry));
      assert.equal(subscribers.length, 1);
      const id = /id=(\d+)/.exec(subscribers[0] ?? '')?.[1] ?? '';
      await client.client('KILL', 'ID', id);
      await waitFor(() => a.seen.length === 1, 3000, 'resync events');
      assert.deepEqual(
        a.seen.map((e) => `${e.type}/${e.origin}`),
        ['config-changed/resync'],
      );
      for (let tries = 0; Number((await client.pubsub('NUMSUB', a.bus.channel))[1]) < 2; tries += 1) {
        assert.ok(tries < 200, 'resubscribed');
      }
      await b.bus.publish('config-changed');
      await waitFor(() => a.seen.length === 2, 1000, 'delivery after resubscribing');
    } finally {
      await a.bus.close();
      await b.bus.close();
      reconnecting.disconnect();
    }
  });
});

it('decodes only well-formed events', () => {
  assert.deepEqual(decodeClusterEvent('{"type":"config-changed","origin":"i1"}'), { type: 'config-changed', origin: 'i1' });
  for (const bad of ['', 'nope', '{"type":"keys-changed","origin":"i1"}', '{"type":"config-changed"}', '[]', 'null']) {
    assert.equal(decodeClusterEvent(bad), undefined, bad);
  }
});
