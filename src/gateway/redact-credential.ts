/** @module Keeping the provider credential the gateway sent out of the errors it passes on. */
import { GatewayError } from '../core/gateway-error.js';

/**
 * An upstream's error message may quote the credential the gateway sent: most providers mask all but a few
 * characters, some echo it whole. The message is passed on to the client (and may be logged), so any occurrence of
 * the key is masked to its last four characters, and the cause (which may hold the raw body) is dropped.
 */
export function withoutCredential(error: GatewayError, apiKey: string | undefined): GatewayError {
  if (apiKey === undefined || apiKey.length < 8 || !error.message.includes(apiKey)) return error;
  const message = error.message.split(apiKey).join(`…${apiKey.slice(-4)}`);
  return new GatewayError(error.status, error.code, message, {
    param: error.param,
    retryable: error.retryable,
    type: error.type,
    upstream: error.upstream,
    ...(error.unrelayedOutputTokens === undefined ? {} : { unrelayedOutputTokens: error.unrelayedOutputTokens }),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  });
}
