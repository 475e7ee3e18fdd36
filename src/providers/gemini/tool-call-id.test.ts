import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeGeminiThoughtSignature, encodeGeminiToolCallId } from './tool-call-id.js';

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

function fixtureSignatures(): string[] {
  const names = ['google-tool-call.json', 'google-tool-call.chunks.txt', 'google-text.chunks.txt', 'google-stream-no-args-tool-call.chunks.txt'];
  return names.flatMap((name) => {
    const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
    return [...text.matchAll(/"thoughtSignature":\s*"([^"]+)"/g)].map((m) => m[1] ?? '');
  });
}

describe('encodeGeminiToolCallId', () => {
  it('builds call_<24 hex> without a signature, deterministically', () => {
    const id = encodeGeminiToolCallId('chatcmpl-1', 0, 0);
    assert.match(id, /^call_[0-9a-f]{24}$/);
    assert.equal(encodeGeminiToolCallId('chatcmpl-1', 0, 0), id);
    assert.equal(decodeGeminiThoughtSignature(id), undefined);
  });

  it('gives distinct ids per completion, choice and call', () => {
    const ids = new Set([
      encodeGeminiToolCallId('chatcmpl-1', 0, 0),
      encodeGeminiToolCallId('chatcmpl-1', 0, 1),
      encodeGeminiToolCallId('chatcmpl-1', 1, 0),
      encodeGeminiToolCallId('chatcmpl-2', 0, 0),
    ]);
    assert.equal(ids.size, 4);
  });

  it('round-trips every recorded signature exactly, using only [A-Za-z0-9_-]', () => {
    const signatures = fixtureSignatures();
    assert.ok(signatures.length >= 4);
    for (const signature of signatures) {
      const id = encodeGeminiToolCallId('chatcmpl-x', 0, 2, signature);
      assert.match(id, SAFE_ID);
      assert.ok(id.startsWith(`${encodeGeminiToolCallId('chatcmpl-x', 0, 2)}_ts_`));
      assert.equal(decodeGeminiThoughtSignature(id), signature);
    }
  });

  it('round-trips signatures with one and two padding characters', () => {
    for (const signature of ['ab+/cd==', 'ab+/cde=', 'ab+/']) {
      assert.equal(decodeGeminiThoughtSignature(encodeGeminiToolCallId('c', 0, 0, signature)), signature);
    }
  });

  it('leaves out a signature that is not canonical base64 rather than altering it', () => {
    assert.match(encodeGeminiToolCallId('c', 0, 0, 'not base64!'), /^call_[0-9a-f]{24}$/);
    assert.match(encodeGeminiToolCallId('c', 0, 0, 'abc'), /^call_[0-9a-f]{24}$/);
    assert.match(encodeGeminiToolCallId('c', 0, 0, ''), /^call_[0-9a-f]{24}$/);
  });
});

describe('decodeGeminiThoughtSignature', () => {
  it('finds nothing in ids minted elsewhere', () => {
    assert.equal(decodeGeminiThoughtSignature('call_Fbg6b0tJyqhJsHUYF0DWnF3p'), undefined);
    assert.equal(decodeGeminiThoughtSignature('toolu_01A09q90qw90lq917835lq9'), undefined);
    assert.equal(decodeGeminiThoughtSignature('call_0123456789abcdef01234567_ts_'), undefined);
    assert.equal(decodeGeminiThoughtSignature('call_0123456789abcdef01234567_ts_abcde'), undefined);
  });
});
