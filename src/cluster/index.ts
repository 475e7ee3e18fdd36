/**
 * @module What makes several gateway processes one gateway: the Redis connections ({@link createRedisClient} for
 * the hot path, {@link createBlockingConnection} for blocking reads) and the {@link ClusterBus} that broadcasts
 * `config-changed` between instances.
 */
export { ClusterBus } from './cluster-bus.js';
export type { ClusterBusOptions } from './cluster-bus.js';
export { CLUSTER_EVENT_TYPES } from './cluster-events.js';
export type { ClusterEvent, ClusterEventType } from './cluster-events.js';
export { createBlockingConnection, createRedisClient, REDIS_COMMAND_TIMEOUT_MS } from './redis-client.js';
export type { RedisClientOptions } from './redis-client.js';
