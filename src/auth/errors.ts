/** @module The one error type the account and key services throw for caller mistakes. */

/** What went wrong, stable for callers to switch on (the HTTP API maps these to statuses). */
export type AuthServiceErrorCode =
  | 'invalid_email'
  | 'invalid_password'
  | 'invalid_plan'
  | 'invalid_routing'
  | 'invalid_name'
  | 'invalid_spend_cap'
  | 'invalid_cache_ttl'
  | 'invalid_limit'
  | 'invalid_budget'
  | 'invalid_budget_period'
  | 'invalid_rpm_limit'
  | 'invalid_tpm_limit'
  | 'invalid_expires_at'
  | 'invalid_allowed_models'
  | 'duplicate_email'
  | 'account_not_found'
  | 'key_not_found'
  | 'key_revoked'
  | 'invalid_grace_period'
  | 'invalid_provider'
  | 'invalid_provider_key'
  | 'credential_not_found'
  | 'key_limit_reached'
  | 'wrong_password';

/** A request the account or key service refuses; its message is fit to show the user as is. */
export class AuthServiceError extends Error {
  readonly code: AuthServiceErrorCode;

  constructor(code: AuthServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthServiceError';
    this.code = code;
  }
}
