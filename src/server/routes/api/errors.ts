/**
 * @module The dashboard API's answers to service errors (each `AuthServiceError` code has one status and `param`)
 * and to throttle refusals (429 `too_many_attempts` with `Retry-After`).
 */
import { AuthServiceError, type AuthServiceErrorCode } from '../../../auth/index.js';
import { GatewayError, invalidRequest } from '../../../core/gateway-error.js';

/** The field a validation error is about, as the client named it. */
const PARAM: Partial<Record<AuthServiceErrorCode, string>> = {
  invalid_email: 'email',
  invalid_password: 'password',
  invalid_name: 'name',
  invalid_routing: 'default_routing',
  invalid_spend_cap: 'spend_cap_usd',
  invalid_cache_ttl: 'response_cache_ttl_seconds',
  invalid_grace_period: 'grace_seconds',
  invalid_provider: 'provider',
  invalid_provider_key: 'api_key',
  invalid_budget: 'budget_usd',
  invalid_budget_period: 'budget_period',
  invalid_allowed_models: 'allowed_models',
  invalid_rpm_limit: 'rpm_limit',
  invalid_tpm_limit: 'tpm_limit',
  invalid_expires_at: 'expires_at',
};

/**
 * Maps a service error to what the client gets. Not-found errors never say whether the id exists elsewhere: another
 * account's key is "not found" exactly like a made-up id. Anything else is rethrown (a 500).
 */
export function toApiError(error: unknown): GatewayError {
  if (!(error instanceof AuthServiceError)) throw error;
  const code = error.code;
  switch (code) {
    case 'key_not_found':
    case 'credential_not_found':
    case 'account_not_found':
      return new GatewayError(404, 'not_found', capitalize(error.message) + '.', { cause: error });
    case 'duplicate_email':
      return new GatewayError(409, 'email_taken', 'An account with this email already exists.', { param: 'email', cause: error });
    case 'key_revoked':
      return new GatewayError(409, 'key_revoked', capitalize(error.message) + '.', { cause: error });
    case 'key_limit_reached':
      return new GatewayError(409, 'key_limit_reached', capitalize(error.message) + '.', { cause: error });
    case 'wrong_password':
      // 400, not 401: the session is fine, and a 401 would sign the dashboard out.
      return new GatewayError(400, 'invalid_credentials', 'The current password is not right.', { param: 'current_password', cause: error });
    case 'invalid_email':
    case 'invalid_password':
    case 'invalid_plan':
    case 'invalid_routing':
    case 'invalid_name':
    case 'invalid_spend_cap':
    case 'invalid_cache_ttl':
    case 'invalid_limit':
    case 'invalid_grace_period':
    case 'invalid_provider':
    case 'invalid_provider_key':
    case 'invalid_budget':
    case 'invalid_budget_period':
    case 'invalid_allowed_models':
    case 'invalid_rpm_limit':
    case 'invalid_tpm_limit':
    case 'invalid_expires_at':
      return invalidRequest(capitalize(error.message) + '.', PARAM[code] ?? null);
    default: {
      const unhandled: never = code;
      throw new Error(`unmapped auth error ${String(unhandled)}`, { cause: error });
    }
  }
}

/** Runs a service call, mapping its errors. */
export async function callService<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toApiError(error);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A throttle's refusal: how long until an attempt would be let through. */
interface Refusal {
  allowed: false;
  retryAfterSeconds: number;
}

/** Throws 429 `too_many_attempts` with `Retry-After` when a throttle refused the attempt; narrows it otherwise. */
export function refuseWhenThrottled<Allowed extends { allowed: true }>(verdict: Allowed | Refusal, message: string): asserts verdict is Allowed {
  if (!verdict.allowed) throw new GatewayError(429, 'too_many_attempts', message, { retryAfterSeconds: verdict.retryAfterSeconds });
}
