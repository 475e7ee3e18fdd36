/**
 * @module The response cache shared by every instance on one Redis (`OP_REDIS_URL`): each entry is one string key,
 * `<prefix>:cache:<sha256>`, written with `SET … PX <ttl>` so Redis expires it by itself. The hot-path client fails
 * fast (a short command deadline, no offline queue): when Redis is slow or gone a lookup rejects at once and the
 * request is answered by the model instead, never held up (see `response-cache.ts`).
 *
 * Redis's memory is bounded per entry (`cache.maxEntryBytes`, checked before writing) and by the lifetimes; what an
 * account can write is bounded by the answers it pays for. Run Redis with a `maxmemory` and a `volatile-*` eviction
 * policy if the cache must never crowd out the limiter's keys.
 * @see https://redis.io/docs/latest/commands/set/
 */
import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store.js';

/** A cache in Redis under `prefix`. */
export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: { redis: Redis; prefix: string }) {
    this.#redis = options.redis;
    this.#prefix = `${options.prefix}:cache:`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.#redis.set(this.#prefix + key, value, 'PX', Math.ceil(ttlMs));
  }
}
