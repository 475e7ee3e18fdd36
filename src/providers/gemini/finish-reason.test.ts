import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapGeminiFinishReason } from './finish-reason.js';

describe('mapGeminiFinishReason', () => {
  it('maps STOP to stop, or to tool_calls when the candidate called a function', () => {
    assert.equal(mapGeminiFinishReason('STOP', false), 'stop');
    assert.equal(mapGeminiFinishReason('STOP', true), 'tool_calls');
  });

  it('maps MAX_TOKENS to length, even after a function call', () => {
    assert.equal(mapGeminiFinishReason('MAX_TOKENS', false), 'length');
    assert.equal(mapGeminiFinishReason('MAX_TOKENS', true), 'length');
  });

  it('maps every safety-style reason to content_filter', () => {
    for (const reason of [
      'SAFETY',
      'RECITATION',
      'BLOCKLIST',
      'PROHIBITED_CONTENT',
      'SPII',
      'IMAGE_SAFETY',
      'IMAGE_PROHIBITED_CONTENT',
      'IMAGE_RECITATION',
    ]) {
      assert.equal(mapGeminiFinishReason(reason, false), 'content_filter', reason);
    }
  });

  it('maps reasons with no OpenAI equivalent to stop', () => {
    for (const reason of [
      'FINISH_REASON_UNSPECIFIED',
      'LANGUAGE',
      'OTHER',
      'MALFORMED_FUNCTION_CALL',
      'IMAGE_OTHER',
      'NO_IMAGE',
      'UNEXPECTED_TOOL_CALL',
      'TOO_MANY_TOOL_CALLS',
    ]) {
      assert.equal(mapGeminiFinishReason(reason, true), 'stop', reason);
    }
  });

  it('maps an unknown reason to stop explicitly, with or without function calls', () => {
    assert.equal(mapGeminiFinishReason('SOMETHING_GOOGLE_ADDS_LATER', false), 'stop');
    assert.equal(mapGeminiFinishReason('SOMETHING_GOOGLE_ADDS_LATER', true), 'stop');
    assert.equal(mapGeminiFinishReason('stop', false), 'stop');
  });
});
