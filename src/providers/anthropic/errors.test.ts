import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import { anthropicErrorStatus, anthropicErrorType, anthropicStreamError } from './errors.js';
import { anthropicAdapter } from './index.js';

function fixtureText(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });
}

describe('toGatewayError with recorded error bodies', () => {
  it('anthropic-issue-17366-error.json: 400 invalid_request with the upstream message', () => {
    const error = anthropicAdapter.toGatewayError(400, {}, fixtureText('anthropic-issue-17366-error.json'));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.retryable, false);
    assert.match(error.message, /unexpected `tool_use_id` found in `tool_result` blocks: srvtoolu_issue_17366_invalid/);
    assert.doesNotMatch(error.message, /\{"type"/, 'the message is extracted, not the raw JSON');
    validateOpenAI('ErrorResponse', error.toBody());
  });

  it('anthropic-root-union-tool-schema-error.json: 400 with the field path', () => {
    const error = anthropicAdapter.toGatewayError(400, {}, fixtureText('anthropic-root-union-tool-schema-error.json'));
    assert.equal(error.status, 400);
    assert.match(error.message, /tools\.0\.custom\.input_schema\.type: Field required/);
  });
});

describe('toGatewayError status and retry policy', () => {
  it('maps 529 overloaded to a retryable 503', () => {
    const error = anthropicAdapter.toGatewayError(529, {}, errorBody('overloaded_error', 'Overloaded'));
    assert.equal(error.status, 503);
    assert.equal(error.code, 'provider_unavailable');
    assert.equal(error.retryable, true);
    assert.match(error.message, /Overloaded/);
  });

  it('maps 429 to a rate limit carrying retry-after seconds', () => {
    const error = anthropicAdapter.toGatewayError(429, { 'retry-after': '30' }, errorBody('rate_limit_error', 'slow down'));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterSeconds, 30);
  });

  it('reads the first value of a repeated retry-after header', () => {
    const error = anthropicAdapter.toGatewayError(429, { 'retry-after': ['7', '9'] }, errorBody('rate_limit_error', 'x'));
    assert.equal(error.retryAfterSeconds, 7);
  });

  it('ignores an HTTP-date retry-after, which would need a clock', () => {
    const headers = { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' };
    const error = anthropicAdapter.toGatewayError(429, headers, errorBody('rate_limit_error', 'x'));
    assert.equal(error.retryAfterSeconds, undefined);
  });

  it('treats a rejected provider credential as a retryable 502, not the client key', () => {
    const error = anthropicAdapter.toGatewayError(401, {}, errorBody('authentication_error', 'invalid x-api-key'));
    assert.equal(error.status, 502);
    assert.equal(error.code, 'provider_error');
    assert.equal(error.retryable, true);
  });

  it('falls back to the raw text, cut to 500 characters, when the body is not JSON', () => {
    const html = `<html>${'x'.repeat(600)}TAIL</html>`;
    const error = anthropicAdapter.toGatewayError(502, {}, html);
    assert.equal(error.status, 503);
    assert.ok(error.message.includes(html.slice(0, 500)));
    assert.ok(!error.message.includes('TAIL'));
  });

  it('says so when the body is empty', () => {
    assert.match(anthropicAdapter.toGatewayError(500, {}, '').message, /no error body/);
  });
});

describe('anthropicErrorStatus and in-stream errors', () => {
  const table = [
    ['invalid_request_error', 400],
    ['authentication_error', 401],
    ['billing_error', 402],
    ['permission_error', 403],
    ['not_found_error', 404],
    ['request_too_large', 413],
    ['rate_limit_error', 429],
    ['api_error', 500],
    ['timeout_error', 504],
    ['overloaded_error', 529],
  ] as const;
  for (const [type, status] of table) {
    it(`pairs ${type} with ${status}`, () => assert.equal(anthropicErrorStatus(type), status));
  }

  it('treats an unknown error type as a server error', () => {
    assert.equal(anthropicErrorStatus('mystery_error'), 500);
    assert.equal(anthropicErrorStatus('toString'), 500, 'inherited object keys are not error types');
  });

  it('maps an overloaded stream error to a retryable 503', () => {
    const error = anthropicStreamError('overloaded_error', 'Overloaded');
    assert.equal(error.status, 503);
    assert.equal(error.code, 'provider_unavailable');
    assert.equal(error.retryable, true);
  });
});

describe('anthropicErrorType', () => {
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
});
