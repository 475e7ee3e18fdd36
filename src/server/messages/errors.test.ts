import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../core/gateway-error.js';
import { anthropicErrorBody, anthropicErrorType } from './errors.js';

describe("errors in Anthropic's shape", () => {
  it("name Anthropic's error type for each status", () => {
    const types = [400, 401, 402, 403, 404, 409, 413, 415, 429, 500, 502, 503, 504, 529].map((status) => [status, anthropicErrorType(status)]);
    assert.deepEqual(types, [
      [400, 'invalid_request_error'],
      [401, 'authentication_error'],
      [402, 'billing_error'],
      [403, 'permission_error'],
      [404, 'not_found_error'],
      [409, 'invalid_request_error'],
      [413, 'request_too_large'],
      [415, 'invalid_request_error'],
      [429, 'rate_limit_error'],
      [500, 'api_error'],
      [502, 'api_error'],
      [503, 'overloaded_error'],
      [504, 'timeout_error'],
      [529, 'overloaded_error'],
    ]);
  });

  it('carry the message and the request id', () => {
    const error = new GatewayError(429, 'rate_limit_exceeded', 'Rate limit reached.');
    assert.deepEqual(anthropicErrorBody(error, 'req_1'), {
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit reached.' },
      request_id: 'req_1',
    });
  });
});
