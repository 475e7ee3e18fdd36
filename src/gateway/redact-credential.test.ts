import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../core/gateway-error.js';
import { withoutCredential } from './redact-credential.js';

const KEY = 'sk-live-0123456789abcdefWXYZ';

describe('withoutCredential', () => {
  it('masks every occurrence of the key to its last four characters, keeping status, code, param and retry facts', () => {
    const error = new GatewayError(429, 'rate_limit_exceeded', `Key ${KEY} is over its limit (${KEY})`, { param: 'model', retryAfterSeconds: 3 });
    const clean = withoutCredential(error, KEY);
    assert.equal(clean.message, 'Key …WXYZ is over its limit (…WXYZ)');
    assert.deepEqual(
      [clean.status, clean.code, clean.param, clean.retryable, clean.retryAfterSeconds, clean.type],
      [429, 'rate_limit_exceeded', 'model', true, 3, 'rate_limit_error'],
    );
    assert.equal(clean.cause, undefined);
  });

  it('returns the same error when the key is absent, unknown or too short to search for', () => {
    const error = new GatewayError(502, 'provider_error', 'Upstream said no (sk-…WXYZ)', { cause: new Error('raw body') });
    assert.equal(withoutCredential(error, KEY), error);
    assert.equal(withoutCredential(error, undefined), error);
    const short = new GatewayError(502, 'provider_error', 'the key abc was refused');
    assert.equal(withoutCredential(short, 'abc'), short);
  });
});
