/**
 * @module Test support for suites that need a real Redis (limits, routing health, the cluster bus): one connection
 * per test file, random key prefixes deleted after the suite, and a bounded wait for asynchronous propagation.
 * Not used by production code.
 *
 * Redis is expected at 127.0.0.1:6379 (or `OP_TEST_REDIS_URL`). When it is not reachable the suites are skipped
 * with one line, except under `CI=true`, where a missing Redis fails the run.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe } from 'node:test';
import { Redis } from 'ioredis';

const TEST_REDIS_URL = process.env.OP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The skip reason, naming the address tried. */
export const REDIS_SKIP_MESSAGE = `redis not reachable at ${new URL(TEST_REDIS_URL).host}`;

/** Connects to the test Redis; undefined if it is unreachable (throws instead under `CI=true`). */
export async function connectTestRedis(): Promise<Redis | undefined> {
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    if (process.env.CI === 'true') throw new Error(`${REDIS_SKIP_MESSAGE} (CI=true requires it)`, { cause: error });
    return undefined;
  }
}

/** Hands out random key prefixes and deletes everything under them. */
export class TestPrefixes {
  readonly #redis: Redis;
  readonly #issued: string[] = [];

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** A fresh prefix, deleted by {@link cleanUp}. */
  next(): string {
    const prefix = `op-test:${randomUUID().slice(0, 12)}`;
    this.#issued.push(prefix);
    return prefix;
  }

  /** Deletes every key under every prefix handed out (SCAN + DEL). */
  async cleanUp(): Promise<void> {
    for (const prefix of this.#issued.splice(0)) await deletePrefix(this.#redis, prefix);
  }
}

/** Deletes every key under `prefix:`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * A `describe` that runs `body` with a Redis connection and a prefix source, deleting the prefixes and closing the
 * connection after the suite; skipped with one line when `redis` is undefined.
 */
export function describeWithRedis(name: string, redis: Redis | undefined, body: (redis: Redis, prefixes: TestPrefixes) => void): void {
  if (redis === undefined) {
    describe(name, { skip: REDIS_SKIP_MESSAGE }, () => undefined);
    return;
  }
  describe(name, () => {
    const prefixes = new TestPrefixes(redis);
    after(async () => {
      await prefixes.cleanUp();
      await redis.quit();
    });
    body(redis, prefixes);
  });
}

/** Polls `condition` every 5 ms until it holds; throws after `timeoutMs`. Returns the elapsed ms. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
  return Date.now() - started;
}
