/**
 * @module Shared limits in Redis: {@link RedisLimiterBackend} (every instance on one prefix shares exact rpm, tpm,
 * concurrency, spend and included-token limits; one Lua script per operation) and {@link FallbackLimiterBackend}
 * (serves local limits scaled to this instance's share while Redis is unreachable, and resynchronises after).
 */
export { RedisLimiterBackend } from './redis-backend.js';
export type { RedisLimiterOptions } from './redis-backend.js';
export { FALLBACK_DEFAULTS, FallbackLimiterBackend } from './fallback-backend.js';
export type { FallbackLimiterOptions, LimiterLogger, SharedLimiterBackend } from './fallback-backend.js';
export { LimiterTimeoutError } from './with-timeout.js';
export { shareOf } from './local-share.js';
