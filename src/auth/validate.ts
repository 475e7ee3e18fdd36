/** @module Checks of user-supplied account and key fields, shared by the services. */
import { BUDGET_PERIODS, PLANS, ROUTING_MODES, type BudgetPeriod, type Plan, type RoutingMode } from '../store/index.js';
import { AuthServiceError, type AuthServiceErrorCode } from './errors.js';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;
const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_KEY_NAME_LENGTH = 100;

/** Trims and lower-cases an email after checking its shape. @throws {AuthServiceError} `invalid_email` */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(normalized)) {
    throw new AuthServiceError('invalid_email', `invalid email address: ${JSON.stringify(email)}`);
  }
  return normalized;
}

/** Narrows a string to a {@link Plan}. @throws {AuthServiceError} `invalid_plan` */
export function parsePlan(plan: string): Plan {
  return oneOf(PLANS, plan, 'invalid_plan', 'plan');
}

/** Narrows a string to a {@link RoutingMode}. @throws {AuthServiceError} `invalid_routing` */
export function parseRoutingMode(mode: string): RoutingMode {
  return oneOf(ROUTING_MODES, mode, 'invalid_routing', 'routing mode');
}

/** Rejects passwords too short to be worth hashing or too long to hash cheaply. @throws {AuthServiceError} */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthServiceError('invalid_password', `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`);
  }
}

/** Trims a key name and checks it is 1–100 characters. @throws {AuthServiceError} `invalid_name` */
export function normalizeKeyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_KEY_NAME_LENGTH) {
    throw new AuthServiceError('invalid_name', `key name must be 1 to ${MAX_KEY_NAME_LENGTH} characters long`);
  }
  return trimmed;
}

/** Accepts null (no cap) or a finite non-negative amount in USD. @throws {AuthServiceError} `invalid_spend_cap` */
export function checkSpendCap(usd: number | null): number | null {
  if (usd !== null && (!Number.isFinite(usd) || usd < 0)) {
    throw new AuthServiceError('invalid_spend_cap', `spend cap must be a non-negative number of USD, got ${usd}`);
  }
  return usd;
}

/** The longest default response-cache lifetime a key may carry: 30 days (the most `cache.maxTtlSeconds` may be). */
export const MAX_KEY_CACHE_TTL_SECONDS = 2_592_000;

/**
 * Accepts null (no default) or a whole number of seconds from 1 to {@link MAX_KEY_CACHE_TTL_SECONDS}; a request
 * holds it to the configured `cache.maxTtlSeconds`. @throws {AuthServiceError} `invalid_cache_ttl`
 */
export function checkCacheTtl(seconds: number | null): number | null {
  if (seconds !== null && (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_KEY_CACHE_TTL_SECONDS)) {
    throw new AuthServiceError(
      'invalid_cache_ttl',
      `cache lifetime must be a whole number of seconds from 1 to ${MAX_KEY_CACHE_TTL_SECONDS}, got ${seconds}`,
    );
  }
  return seconds;
}

/**
 * Accepts null (no override: the plan's limit applies) or a whole number of at least `min` (and at most 2^53).
 * @throws {AuthServiceError} `invalid_limit`, naming the limit.
 */
export function checkLimit(name: string, value: number | null, min: number): number | null {
  if (value !== null && (!Number.isSafeInteger(value) || value < min)) {
    throw new AuthServiceError('invalid_limit', `${name} must be a whole number of at least ${min}, got ${value}`);
  }
  return value;
}

/** Accepts null (no budget) or a finite non-negative amount in USD. @throws {AuthServiceError} `invalid_budget` */
export function checkBudget(usd: number | null): number | null {
  if (usd !== null && (!Number.isFinite(usd) || usd < 0)) {
    throw new AuthServiceError('invalid_budget', `budget must be a non-negative number of USD, got ${usd}`);
  }
  return usd;
}

/** Narrows a string to a {@link BudgetPeriod}. @throws {AuthServiceError} `invalid_budget_period` */
export function parseBudgetPeriod(period: string): BudgetPeriod {
  return oneOf(BUDGET_PERIODS, period, 'invalid_budget_period', 'budget period');
}

/**
 * Accepts null (none) or a whole number of at least 1 for a key's own rpm or tpm.
 * @throws {AuthServiceError} `invalid_rpm_limit` or `invalid_tpm_limit`.
 */
export function checkKeyRateLimit(kind: 'rpm' | 'tpm', value: number | null): number | null {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1)) {
    const what = kind === 'rpm' ? 'requests' : 'tokens';
    throw new AuthServiceError(`invalid_${kind}_limit`, `${kind} limit must be a whole number of ${what} per minute of at least 1, got ${value}`);
  }
  return value;
}

/** An ISO-8601 date, or date and time with a time zone (`Z` or an offset). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Accepts null (never expires) or an ISO-8601 time after `now` (a date alone is its 00:00 UTC), returned in the
 * store's form (`toISOString`). @throws {AuthServiceError} `invalid_expires_at`
 */
export function checkExpiresAt(value: string | null, now: Date): string | null {
  if (value === null) return null;
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new AuthServiceError(
      'invalid_expires_at',
      `expiry must be an ISO-8601 time with a time zone, e.g. 2026-12-31T23:59:59Z; got ${JSON.stringify(value.slice(0, 100))}`,
    );
  }
  if (ms <= now.getTime()) {
    throw new AuthServiceError('invalid_expires_at', `expiry ${new Date(ms).toISOString()} is not in the future`);
  }
  return new Date(ms).toISOString();
}

/** Narrows `value` to one of `known`. @throws {AuthServiceError} `code`, naming the `what` and the known values */
function oneOf<T extends string>(known: readonly T[], value: string, code: AuthServiceErrorCode, what: string): T {
  const found = known.find((candidate) => candidate === value);
  if (found === undefined) throw new AuthServiceError(code, `invalid ${what} ${JSON.stringify(value)}: expected ${known.join(', ')}`);
  return found;
}
