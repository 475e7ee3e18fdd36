import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY_PREFIX, generateApiKey, hashApiKey, last4, looksLikeApiKey } from './api-key.js';
import { newAccountId, newKeyId } from './ids.js';
import { BASE62_ALPHABET, randomBase62 } from './random.js';

describe('generateApiKey', () => {
  it('is op_ followed by 40 base62 characters', () => {
    const secret = generateApiKey();
    assert.ok(secret.startsWith(API_KEY_PREFIX));
    assert.ok(secret.length >= 35);
    assert.match(secret, /^op_[0-9A-Za-z]{40}$/);
    assert.equal(looksLikeApiKey(secret), true);
  });

  it('does not repeat', () => {
    const secrets = new Set(Array.from({ length: 2000 }, () => generateApiKey()));
    assert.equal(secrets.size, 2000);
  });
});

describe('randomBase62', () => {
  it('returns the requested length and can produce every character of the alphabet', () => {
    assert.equal(randomBase62(0), '');
    assert.equal(randomBase62(7).length, 7);
    const seen = new Set(randomBase62(20_000));
    assert.equal(seen.size, BASE62_ALPHABET.length);
    for (const char of seen) assert.ok(BASE62_ALPHABET.includes(char));
  });
});

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('last4', () => {
  it('is the last four characters', () => {
    assert.equal(last4('op_abcdefWXYZ'), 'WXYZ');
  });
});

describe('looksLikeApiKey', () => {
  it('rejects other shapes', () => {
    const body = 'a'.repeat(40);
    assert.equal(looksLikeApiKey(`op_${body}`), true);
    assert.equal(looksLikeApiKey(`sk_${body}`), false);
    assert.equal(looksLikeApiKey(`op_${body}a`), false);
    assert.equal(looksLikeApiKey(`op_${'a'.repeat(39)}-`), false);
    assert.equal(looksLikeApiKey(''), false);
  });
});

describe('ids', () => {
  it('are prefixed and distinct', () => {
    assert.match(newAccountId(), /^acct_[0-9A-Za-z]{24}$/);
    assert.match(newKeyId(), /^key_[0-9A-Za-z]{24}$/);
    assert.notEqual(newKeyId(), newKeyId());
  });
});
