/**
 * @module Routing health and circuit breakers shared across instances through Redis streams, read synchronously
 * from a local mirror: {@link RedisHealthStore} and {@link RedisCircuitBreakers}. `start()` each before serving
 * (it replays recent history) and `close()` them on shutdown.
 */
export { RedisHealthStore } from './redis-health-store.js';
export type { RedisHealthOptions } from './redis-health-store.js';
export { RedisCircuitBreakers } from './redis-circuit-breakers.js';
export type { RedisCircuitBreakerOptions } from './redis-circuit-breakers.js';
