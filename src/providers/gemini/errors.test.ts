import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import { geminiStreamError, toGeminiGatewayError } from './errors.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

describe('toGeminiGatewayError', () => {
  it('maps 429 RESOURCE_EXHAUSTED with RetryInfo "34.4s" to a retryable 429 after 35 s (google-429-retry-info)', () => {
    const error = toGeminiGatewayError(429, {}, fixture('google-429-retry-info.json'));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterSeconds, 35);
    assert.match(error.message, /You exceeded your current quota, please check your plan\./);
    validateOpenAI('ErrorResponse', error.toBody());
  });

  it('prefers RetryInfo over the Retry-After header', () => {
    const error = toGeminiGatewayError(429, { 'retry-after': '3' }, fixture('google-429-retry-info.json'));
    assert.equal(error.retryAfterSeconds, 35);
  });

  it('falls back to the Retry-After header', () => {
    const body = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    const error = toGeminiGatewayError(503, { 'retry-after': '7' }, body);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'provider_unavailable');
    assert.equal(error.retryAfterSeconds, 7);
    assert.match(error.message, /The model is overloaded\./);
  });

  it('maps 400 INVALID_ARGUMENT to a non-retryable 400 with the upstream message (issue-8943)', () => {
    const error = toGeminiGatewayError(400, {}, fixture('issue-8943-gemini-2.5-flash-error.json'));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.retryable, false);
    assert.equal(error.retryAfterSeconds, undefined);
    assert.match(error.message, /Penalty is not enabled for models\/gemini-2\.5-flash/);
    validateOpenAI('ErrorResponse', error.toBody());
  });

  it("maps a 400 API_KEY_INVALID to the gateway-credential error, not the client's fault", () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    const error = toGeminiGatewayError(400, {}, body);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'provider_error');
    assert.equal(error.retryable, true);
  });

  it('maps 404 NOT_FOUND to model_not_found', () => {
    const body = JSON.stringify({ error: { code: 404, message: 'models/nope is not found', status: 'NOT_FOUND' } });
    const error = toGeminiGatewayError(404, {}, body);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'model_not_found');
  });

  it('reads the error from a Vertex array-wrapped body', () => {
    const body = JSON.stringify([{ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }]);
    const error = toGeminiGatewayError(500, {}, body);
    assert.equal(error.status, 503);
    assert.match(error.message, /Internal error encountered\./);
  });

  it('uses the raw text when the body is not JSON', () => {
    const error = toGeminiGatewayError(502, {}, '<html>Bad Gateway</html>');
    assert.equal(error.status, 503);
    assert.match(error.message, /<html>Bad Gateway<\/html>/);
    assert.match(toGeminiGatewayError(500, {}, '').message, /no error body/);
  });
});

describe('geminiStreamError', () => {
  it('takes the status from the numeric code', () => {
    const raw = '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}';
    const error = geminiStreamError(JSON.parse(raw).error, raw);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
  });

  it('takes the status from the RPC status name when there is no code', () => {
    const error = geminiStreamError({ message: 'overloaded', status: 'UNAVAILABLE' }, '');
    assert.equal(error.status, 503);
    assert.equal(error.code, 'provider_unavailable');
  });

  it('treats an unrecognised error value as a server error', () => {
    const error = geminiStreamError('boom', '{"error":"boom"}');
    assert.equal(error.status, 503);
    assert.match(error.message, /boom/);
  });
});
