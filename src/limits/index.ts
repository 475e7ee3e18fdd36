/**
 * @module The limits module's public API: admission (rpm, concurrency, tpm, spend caps, included tokens) with
 * tickets that settle or refund, the rate-limit headers, and the backend contract with its in-memory backend.
 */
export {
  Admission,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_OUTPUT_TOKENS,
  reservedOutputTokens,
} from './admission.js';
export type { AdmissionDeps, AdmitInput, FanOutReason } from './admission.js';
export { AdmissionError, CONCURRENCY_RETRY_AFTER_SECONDS } from './admission-error.js';
export type { RejectionStage } from './admission-error.js';
export { effectiveLimits } from './effective-limits.js';
export type { AdmissionKey, LimitOverrides } from './effective-limits.js';
export { rateLimitHeaders } from './headers.js';
export type { RateLimitHeaders } from './headers.js';
export type { SettleUsage, Ticket } from './ticket.js';
export { MemoryLimiterBackend } from './memory/memory-backend.js';
export { MonthlySeeder } from './monthly-seeder.js';
export type { MonthlyCharge, MonthlySeederDeps } from './monthly-seeder.js';
export { WINDOW_MS } from './types.js';
export type {
  ActualUsage,
  AdmitRequest,
  AdmitResult,
  EffectiveLimits,
  LimiterBackend,
  MonthlyScope,
  MonthlyTotals,
  Rejection,
  Reservation,
  SpendRequest,
  WindowSnapshot,
} from './types.js';
