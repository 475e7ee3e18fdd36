import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../core/gateway-error.js';
import { anthropicErrorBody } from './errors.js';

describe("errors in Anthropic's shape", () => {
  it('carry the message and the request id', () => {
    const error = new GatewayError(429, 'rate_limit_exceeded', 'Rate limit reached.');
    assert.deepEqual(anthropicErrorBody(error, 'req_1'), {
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit reached.' },
      request_id: 'req_1',
    });
  });
});
