/**
 * @module Redis connections for a gateway instance (`OP_REDIS_URL`). One client serves the hot path (limiter
 * scripts, routing-event writes, publishes) and must fail fast: a command gets a short deadline and is refused at
 * once while disconnected, so `FallbackLimiterBackend` can serve locally instead of queueing requests behind a
 * dead connection. Blocking reads and subscriptions need their own connection without those limits.
 */
import { Redis } from 'ioredis';

/** Deadline of a hot-path command. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;

/** Options of {@link createRedisClient}. */
export interface RedisClientOptions {
  /** Told about connection errors (ioredis reconnects by itself); without it they are ignored. */
  readonly onError?: (error: unknown) => void;
  /** Overrides {@link REDIS_COMMAND_TIMEOUT_MS}. */
  readonly commandTimeoutMs?: number;
}

/**
 * A hot-path client for `url` (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS). It does not
 * connect until `await client.connect()`; after that it reconnects by itself, backing off to 2 s.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', options.onError ?? ignore);
  return redis;
}

/**
 * A second connection to the same server for blocking reads and subscriptions: no command deadline, and commands
 * wait for a reconnect instead of failing. Not connected yet; attach an `error` listener and connect.
 */
export function createBlockingConnection(redis: Redis): Redis {
  return redis.duplicate({
    lazyConnect: true,
    commandTimeout: undefined,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
  });
}

function ignore(): void {}
