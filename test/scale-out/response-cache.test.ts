/**
 * Scale-out of the response cache (issue 19): two gateway instances on one Redis key prefix (and one store) share
 * their cache — an answer cached through one is a hit on the other, JSON or streamed, without an upstream call from
 * either; the entry is one Redis string with a lifetime (`SET … PX`), and a different account never finds it.
 *
 * Each instance has its own simulator, so "no upstream call" is read from the instance that answered. Skipped with
 * one line when Redis is not reachable, unless `CI=true` (then it fails). The prefix's keys are deleted afterwards.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { connectTestRedis, deletePrefix, REDIS_SKIP_MESSAGE } from '../../src/cluster/testing.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TEST_REDIS_URL = process.env.OP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis: Redis | undefined = await connectTestRedis();

if (redis === undefined) {
  describe('response cache shared by two instances on Redis', { skip: REDIS_SKIP_MESSAGE }, () => undefined);
} else {
  const admin = redis;
  describe('response cache shared by two instances on Redis', () => {
    const prefix = `op-test:${randomUUID().slice(0, 12)}`;
    let one: TestGateway;
    let two: RunningGateway;

    before(async () => {
      let shared: GatewayConfig | undefined;
      one = await startTestGateway((config) => {
        config.redisUrl = TEST_REDIS_URL;
        config.redisPrefix = prefix;
        shared = config;
      });
      assert.ok(shared !== undefined);
      // The second instance: the same store and Redis prefix, its own port and its own simulator.
      two = await startGateway({ config: { ...shared, port: 0 }, simulate: true, logger: false, seedDemo: false, keyPollMs: 50 });
    });
    after(async () => {
      await two?.close();
      await one?.close();
      await deletePrefix(admin, prefix);
      await admin.quit();
    });

    const upstreamCalls = (gateway: RunningGateway): number => gateway.simulator?.stats().requests ?? 0;

    async function chat(url: string, apiKey: string, body: Record<string, unknown>): Promise<{ headers: Headers; text: string }> {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-op-cache-ttl': '120' },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 200);
      return { headers: response.headers, text: await response.text() };
    }

    it('an answer cached through one instance is a hit on the other, JSON and streamed, and lives in Redis with its TTL', async () => {
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Shared between instances ${randomUUID()}` }] };
      const first = await chat(one.url, one.apiKey, body);
      assert.equal(first.headers.get('x-op-cache'), 'miss');
      const before = upstreamCalls(two);

      const second = await chat(two.url, one.apiKey, body);
      assert.equal(second.headers.get('x-op-cache'), 'hit');
      assert.equal(upstreamCalls(two), before, 'the second instance made no upstream call');
      const original = JSON.parse(first.text) as { choices: unknown[]; usage: { cost_usd: number } };
      const replayed = JSON.parse(second.text) as { choices: unknown[]; usage: { cost_usd: number } };
      assert.deepEqual(replayed.choices, original.choices);
      assert.equal(replayed.usage.cost_usd, 0);
      assert.equal(Number(second.headers.get('x-op-cache-saved-usd')), original.usage.cost_usd);

      const streamed = await chat(two.url, one.apiKey, { ...body, stream: true });
      assert.equal(streamed.headers.get('x-op-cache'), 'hit');
      assert.ok(streamed.text.trimEnd().endsWith('data: [DONE]'));
      assert.equal(upstreamCalls(two), before);

      const keys = await admin.keys(`${prefix}:cache:*`);
      assert.equal(keys.length, 1);
      const ttl = await admin.pttl(keys[0] ?? '');
      assert.ok(ttl > 0 && ttl <= 120_000, `PTTL ${ttl}`);
    });

    it('another account finds nothing, whichever instance it asks', async () => {
      const other = await one.addAccount();
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Not yours ${randomUUID()}` }] };
      await chat(one.url, one.apiKey, body);
      const before = upstreamCalls(two);
      const foreign = await chat(two.url, other.apiKey, body);
      assert.equal(foreign.headers.get('x-op-cache'), 'miss');
      assert.equal(upstreamCalls(two), before + 1);
    });
  });
}
