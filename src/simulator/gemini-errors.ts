/**
 * @module Google RPC error bodies (`{error:{code, message, status, details?}}`) as the Gemini API sends them.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */

import type { HttpReply } from './wire-format.js';

/**
 * google.rpc.Code name for each HTTP status.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function geminiRpcStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
    case 529: // Not a Google status; the nearest meaning is "overloaded".
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

/** Realistic messages for injected failures, by RPC status. */
export const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  PERMISSION_DENIED: 'The caller does not have permission',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED: 'You exceeded your current quota, please check your plan and billing details.',
  INTERNAL: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'Deadline expired before operation could complete.',
};

/** `{error:{code, message, status}}`, with a RetryInfo detail on 429. */
export function geminiErrorPayload(status: number, message: string): Record<string, unknown> {
  const error: Record<string, unknown> = { code: status, message, status: geminiRpcStatus(status) };
  if (status === 429) error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }];
  return { error };
}

/** An error reply: the payload with its HTTP status. */
export function geminiError(status: number, message: string): HttpReply {
  return { status, body: geminiErrorPayload(status, message) };
}

/** The reply for an injected failure with this status. */
export function geminiFault(status: number): HttpReply {
  const message = FAULT_MESSAGES[geminiRpcStatus(status)] ?? `Simulated failure (HTTP ${status}).`;
  return geminiError(status, message);
}

/** A 400 `INVALID_ARGUMENT`. */
export function invalid(message: string): HttpReply {
  return geminiError(400, message);
}
