/**
 * @module Redis connections for a gateway instance (`OP_REDIS_URL`). One client serves the hot path (limiter
 * scripts, routing-event writes, publishes; auto-pipelined) and must fail fast: a command gets a short deadline and is refused at
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
    // Commands issued in the same turn of the event loop (one request's settle beside another's admission, the
    // routing events of both) leave in one write and come back in one read: at c=50 that folds many round trips'
    // system calls into a few, on both sides.
    enableAutoPipelining: true,
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
    // A blocking read must not hold back commands queued behind it in a shared pipeline.
    enableAutoPipelining: false,
  });
}

function ignore(): void {}
