/**
 * @module Error bodies in OpenAI's shape (`{"error":{message,type,param,code}}`), for validation failures and
 * injected faults.
 * @see https://platform.openai.com/docs/guides/error-codes
 */

import type { HttpReply } from './wire-format.js';

/** `{"error":{message,type,param,code}}`, all four keys present as in the spec's `ErrorResponse`. */
export function openAIError(status: number, message: string, type: string, param: string | null = null, code: string | null = null): HttpReply {
  return { status, body: { error: { message, type, param, code } } };
}

/** A 400 `invalid_request_error`, naming the parameter and code when OpenAI does. */
export function invalid(message: string, param: string | null = null, code: string | null = null): HttpReply {
  return openAIError(400, message, 'invalid_request_error', param, code);
}

/** Realistic failure bodies per status, as OpenAI words them. */
export function openAIFault(status: number): HttpReply {
  switch (status) {
    case 400:
      return invalid('Simulated invalid request.');
    case 401:
      return openAIError(401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    case 403:
      return openAIError(403, 'Country, region, or territory not supported', 'invalid_request_error', null, 'unsupported_country_region_territory');
    case 404:
      return openAIError(404, 'The model does not exist or you do not have access to it.', 'invalid_request_error', null, 'model_not_found');
    case 429:
      return openAIError(429, 'Rate limit reached for requests. Please try again in 1s.', 'requests', null, 'rate_limit_exceeded');
    case 500:
      return openAIError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error');
    case 503:
    case 529:
      return openAIError(status, 'The server is overloaded or not ready yet.', 'server_error');
    default:
      return status >= 500
        ? openAIError(status, `Simulated upstream failure (HTTP ${status}).`, 'server_error')
        : invalid(`Simulated request failure (HTTP ${status}).`);
  }
}
