import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestWarnings, warningsHeaderValue } from './warnings.js';

describe('request warnings', () => {
  it('name what was accepted but not done', () => {
    const warnings = requestWarnings(
      { model: 'gpt-5', input: 'hi', truncation: 'auto', include: ['reasoning.encrypted_content', 'file_search_call.results'], top_logprobs: 3 },
      ['web_search', 'file_search', 'web_search'],
    );
    assert.deepEqual(warnings, [
      'hosted tools dropped (not run by this gateway): web_search, file_search',
      'truncation "auto" not applied: the conversation is sent whole',
      'include values not available: file_search_call.results',
      'top_logprobs not available',
    ]);
    assert.equal(warningsHeaderValue([]), undefined);
    assert.equal(warningsHeaderValue(['a', 'b']), 'a; b');
  });

  it('keep a hostile tool type from breaking or flooding the header', () => {
    const [warning] = requestWarnings({ model: 'gpt-5', input: 'hi' }, [
      'evil\r\nset-cookie: x=1;',
      'é'.repeat(10),
      ...Array.from({ length: 40 }, (_, i) => `t${i}${'x'.repeat(200)}`),
    ]);
    assert.ok(warning !== undefined);
    assert.match(warning, /^[\x20-\x7e]+$/);
    assert.match(warning, /evilset-cookie:x=1, t0x+, /);
    assert.match(warning, /and 25 more$/);
    assert.ok(warning.length < 1200, String(warning.length));
  });
});
