/**
 * @module The state several gateway instances must share, chosen once at start: with `OP_REDIS_URL` the limiter,
 * routing health, circuit breakers and the dashboard throttles live in Redis and a cluster bus broadcasts key
 * changes; without it they live in this process. If Redis is unreachable the limiter serves local limits scaled to
 * this instance's share (1/N, `OP_INSTANCES`), says so in the log and in `/ready`, and returns to Redis when it
 * answers again; the throttles count per instance meanwhile. The response cache lives in Redis too (shared, so
 * any instance answers what another cached), else in a byte-bounded LRU in this process.
 */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { FallbackAttemptLog, MemoryAttemptLog, type AttemptLog } from '../auth/index.js';
import { MemoryCacheStore, RedisCacheStore, type CacheStore } from '../cache/index.js';
import type { ClusterBus } from '../cluster/index.js';
import type { GatewayConfig } from '../config/types.js';
import { MemoryLimiterBackend, type LimiterBackend } from '../limits/index.js';
import { InMemoryCircuitBreakers, InMemoryHealthStore, type CircuitBreakers, type HealthStore } from '../routing/index.js';

export interface SharedState {
  limiter: LimiterBackend;
  health: HealthStore;
  breakers: CircuitBreakers;
  /** The dashboard throttles' attempt windows (login, signup, provider-key tests). */
  attempts: AttemptLog;
  /** Where the response cache keeps its entries. */
  cacheStore: CacheStore;
  /** Broadcasts between instances; undefined without Redis. */
  bus: ClusterBus | undefined;
  /** False while Redis is configured but unreachable (local limits are in force). */
  redisHealthy(): boolean;
  close(): Promise<void>;
}

/** Builds the shared state for `config`; never throws because Redis is down (it retries in the background). */
export async function createSharedState(config: GatewayConfig, logLevel: string | false): Promise<SharedState> {
  if (config.redisUrl === undefined) {
    return {
      limiter: new MemoryLimiterBackend(Date.now),
      health: new InMemoryHealthStore({ now: Date.now }),
      breakers: new InMemoryCircuitBreakers({ now: Date.now }),
      attempts: new MemoryAttemptLog({ now: Date.now }),
      cacheStore: new MemoryCacheStore({ maxBytes: config.cache.maxBytes, now: Date.now }),
      bus: undefined,
      redisHealthy: () => true,
      close: async () => undefined,
    };
  }
  // Loaded only when Redis is configured: the client library alone is ~10 MB of a lone instance's memory.
  const [
    { ClusterBus, createRedisClient },
    { FallbackLimiterBackend, RedisLimiterBackend },
    { RedisCircuitBreakers, RedisHealthStore },
    { RedisAttemptLog },
  ] = await Promise.all([
    import('../cluster/index.js'),
    import('../limits/redis/index.js'),
    import('../routing/redis/index.js'),
    import('../auth/throttle/redis-attempt-log.js'),
  ]);
  const log = pino({ level: logLevel === false ? 'silent' : logLevel, name: 'shared-state' });
  const onError = (err: unknown): void => log.warn({ err }, 'redis error');
  const redis: Redis = createRedisClient(config.redisUrl, { onError });
  await redis.connect().catch((err: unknown) => log.warn({ err }, 'redis unreachable at start: serving local limits until it answers'));
  const prefix = config.redisPrefix;
  const limiter = new FallbackLimiterBackend({ primary: new RedisLimiterBackend({ redis, prefix }), instances: config.instances, logger: log });
  const health = new RedisHealthStore({ redis, prefix, now: Date.now, onError });
  const breakers = new RedisCircuitBreakers({ redis, prefix, now: Date.now, onError });
  const bus = new ClusterBus({ redis, prefix, onError });
  const attempts = new FallbackAttemptLog({
    primary: new RedisAttemptLog({ redis, prefix }),
    local: new MemoryAttemptLog({ now: Date.now }),
    logger: log,
  });
  await Promise.all([health.start(), breakers.start(), bus.start()]);
  return {
    limiter,
    health,
    breakers,
    attempts,
    cacheStore: new RedisCacheStore({ redis, prefix }),
    bus,
    redisHealthy: () => !limiter.degraded,
    async close() {
      await limiter.flush();
      await bus.close();
      await health.close();
      await breakers.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
