/**
 * @module Error bodies in Anthropic's shape (`{type:'error', error:{type, message}}`), typed for their status the way
 * the gateway's Messages door types its own (`anthropicErrorType`).
 * @see https://docs.anthropic.com/en/api/errors
 */

import { anthropicErrorType } from '../providers/index.js';
import type { HttpReply } from './wire-format.js';

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
