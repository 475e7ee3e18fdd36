import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKENS_PER_IMAGE, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, countPromptTokens } from './token-count.js';

describe('countPromptTokens', () => {
  it('counts text with the BPE tokenizer plus per-message and reply overhead', () => {
    // "hello world" is 2 o200k tokens.
    const tokens = countPromptTokens({ model: 'm', messages: [{ role: 'user', content: 'hello world' }] });
    assert.equal(tokens, TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + 2);
  });

  it('grows with the text and counts images, tool calls and tools', () => {
    const short = countPromptTokens({ model: 'm', messages: [{ role: 'user', content: 'word '.repeat(10) }] });
    const long = countPromptTokens({ model: 'm', messages: [{ role: 'user', content: 'word '.repeat(1000) }] });
    assert.ok(long > short + 900);
    const image = countPromptTokens({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }],
    });
    assert.equal(image, TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + 2 + TOKENS_PER_IMAGE);
    const withTools = countPromptTokens({
      model: 'm',
      messages: [{ role: 'user', content: 'hello world' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    assert.ok(withTools > TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + 2);
  });
});
