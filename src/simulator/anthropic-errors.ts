/**
 * @module Error bodies in Anthropic's shape (`{type:'error', error:{type, message}}`).
 * @see https://docs.anthropic.com/en/api/errors
 */

import type { HttpReply } from './wire-format.js';

/**
 * Error `type` for each status.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      // Anthropic documents `invalid_request_error` for other 4xx and `api_error` for internal errors.
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** Realistic messages for injected failures, by error type. */
export const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

/** `{type:'error', error:{type, message}}` with the type that matches the status. */
export function anthropicError(status: number, message: string): HttpReply {
  return { status, body: { type: 'error', error: { type: anthropicErrorType(status), message } } };
}

/** A 400 `invalid_request_error`. */
export function invalid(message: string): HttpReply {
  return anthropicError(400, message);
}
