/**
 * @module The one error type of the gateway. Everything that fails is, or is mapped into, a GatewayError; one
 * renderer (`server/error-handler.ts`) turns it into OpenAI's `{"error":{message,type,param,code}}` shape.
 */

/** Stable error codes clients can switch on (`error.code` in the body, `.code` on openai-node errors). */
export type ErrorCode =
  | 'invalid_request'
  | 'model_not_found'
  | 'invalid_api_key'
  | 'permission_denied'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit_exceeded'
  | 'quota_exceeded'
  | 'internal_error'
  | 'provider_error'
  | 'provider_unavailable'
  | 'client_closed_request'
  | 'not_authenticated'
  | 'invalid_credentials'
  | 'csrf_failed'
  | 'too_many_attempts'
  | 'email_taken'
  | 'key_revoked'
  | 'key_limit_reached'
  /** The Responses API: `previous_response_id` names no stored response of the account (OpenAI's code). */
  | 'previous_response_not_found';

/** OpenAI's `error.type` for each HTTP status family. */
export function errorTypeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 402) return 'insufficient_quota';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Statuses a retry (or failover to another deployment) can fix. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface GatewayErrorOptions {
  param?: string | null;
  /** Defaults from the status (408/409/429/5xx). */
  retryable?: boolean;
  /** Whole seconds until a retry can succeed, sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** Overrides the `error.type` derived from the status. */
  type?: string;
  cause?: unknown;
  /**
   * The upstream caused it (it could not be reached or timed out, answered 5xx/429/4xx, or sent a malformed
   * answer). Only such failures count against a deployment's health and circuit breaker; the gateway's own failures
   * (serialisation, a body it refuses to relay, a bug) and the client's never do. Defaults to false.
   */
  upstream?: boolean;
  /** Output tokens the provider generated (and bills) that the client never received; the tenant pays for them. */
  unrelayedOutputTokens?: number;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly type: string;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** See {@link GatewayErrorOptions.upstream}. */
  readonly upstream: boolean;
  /** See {@link GatewayErrorOptions.unrelayedOutputTokens}. */
  readonly unrelayedOutputTokens: number | undefined;

  constructor(status: number, code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
    this.type = options.type ?? errorTypeForStatus(status);
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? isRetryableStatus(status);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstream = options.upstream ?? false;
    this.unrelayedOutputTokens = options.unrelayedOutputTokens;
  }

  /** The OpenAI error body. */
  toBody(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 invalid_request naming the offending field. */
export function invalidRequest(message: string, param: string | null = null): GatewayError {
  return new GatewayError(400, 'invalid_request', message, { param });
}
