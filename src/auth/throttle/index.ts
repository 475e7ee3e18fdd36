/**
 * @module Throttles for the dashboard (login, signup, provider-key tests), counted before the work they guard, in
 * memory or (shared by every instance) in Redis. The Redis log is not exported here: import it from
 * `./redis-attempt-log.js` only when Redis is configured, as `server/shared-state.ts` does.
 */
export type { AttemptLog, AttemptRule, TakeResult } from './attempt-log.js';
export { MemoryAttemptLog } from './memory-attempt-log.js';
export type { MemoryAttemptLogOptions } from './memory-attempt-log.js';
export { FallbackAttemptLog } from './fallback-attempt-log.js';
export type { AttemptLogLogger, FallbackAttemptLogOptions } from './fallback-attempt-log.js';
export { addressBucket } from './address-bucket.js';
export { DASHBOARD_THROTTLE_DEFAULTS, DashboardThrottles } from './dashboard-throttles.js';
export type { DashboardThrottleLimits, LoginAttempt, LoginVerdict, ThrottleLimit, ThrottleVerdict } from './dashboard-throttles.js';
