import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pointerToParam, schemaIssuesToError } from './validation.js';

describe('pointerToParam', () => {
  it('writes array indexes in brackets and keys with dots', () => {
    assert.equal(pointerToParam('/messages/0/content/2/image_url/url'), 'messages[0].content[2].image_url.url');
    assert.equal(pointerToParam(''), '');
    assert.equal(pointerToParam('/a~1b'), 'a/b');
  });
});

describe('schemaIssuesToError', () => {
  it('names a missing property under its parent', () => {
    const error = schemaIssuesToError([{ keyword: 'required', instancePath: '/messages/1', params: { missingProperty: 'tool_call_id' } }]);
    assert.equal(error.param, 'messages[1].tool_call_id');
    assert.equal(error.status, 400);
    assert.match(error.message, /Missing required parameter/);
  });

  it('folds union branches into "must be one of" at the deepest path', () => {
    const error = schemaIssuesToError([
      { keyword: 'anyOf', instancePath: '/messages/0', params: {} },
      { keyword: 'const', instancePath: '/messages/0/role', params: { allowedValue: 'system' }, message: 'must be equal to constant' },
      { keyword: 'const', instancePath: '/messages/0/role', params: { allowedValue: 'user' }, message: 'must be equal to constant' },
    ]);
    assert.equal(error.param, 'messages[0].role');
    assert.equal(error.message, 'Invalid value for `messages[0].role`: must be one of "system", "user".');
  });
});
