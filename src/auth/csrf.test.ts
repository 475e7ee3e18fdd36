import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrfTokensMatch, newCsrfToken } from './csrf.js';

describe('csrf tokens', () => {
  it('match only the exact token', () => {
    const token = newCsrfToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newCsrfToken(), token);
    assert.equal(csrfTokensMatch(token, token), true);
    assert.equal(csrfTokensMatch(token, `${token}x`), false);
    assert.equal(csrfTokensMatch(token, token.slice(1)), false);
    assert.equal(csrfTokensMatch(token, ''), false);
    assert.equal(csrfTokensMatch(token, undefined), false);
    assert.equal(csrfTokensMatch(token, [token, token]), false);
  });
});
