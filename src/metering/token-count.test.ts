import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOUND_TOKENS_PER_MESSAGE,
  TOKENS_PER_IMAGE,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_REPLY,
  countPromptTokens,
  measurePrompt,
  ESTIMATE_BYTES_PER_TOKEN,
} from './token-count.js';

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
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello world' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
          ],
        },
      ],
    });
    assert.equal(image, TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + 2 + TOKENS_PER_IMAGE);
    const withTools = countPromptTokens({
      model: 'm',
      messages: [{ role: 'user', content: 'hello world' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    assert.ok(withTools > TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + 2);
  });

  it('counts replayed reasoning state: thinking text and opaque data go to the provider with the turn', () => {
    const turn = (details: { type: 'reasoning.text'; text: string; signature: string; format: string }[]) => ({
      model: 'm',
      messages: [
        { role: 'user' as const, content: 'hello world' },
        { role: 'assistant' as const, content: 'ok', reasoning_details: details },
      ],
    });
    const bare = countPromptTokens(turn([]));
    const thought = 'let me think about this '.repeat(100);
    const withThinking = countPromptTokens(turn([{ type: 'reasoning.text', text: thought, signature: 'c2ln', format: 'anthropic' }]));
    assert.ok(withThinking >= bare + 400, `${withThinking} vs ${bare}`);
    const measured = measurePrompt(turn([{ type: 'reasoning.text', text: thought, signature: 'c2ln', format: 'anthropic' }]));
    assert.ok(measured.estimate >= measurePrompt(turn([])).estimate + thought.length / ESTIMATE_BYTES_PER_TOKEN);
  });
});

describe('measurePrompt', () => {
  it('estimates a token per 4 UTF-8 bytes plus the overheads, and counts with the tokenizer only when asked', () => {
    const req = {
      model: 'm',
      messages: [
        { role: 'system' as const, content: 'Be brief.' },
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'héllo wörld' },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA' } },
          ],
        },
      ],
    };
    const size = measurePrompt(req);
    const textBytes = Buffer.byteLength('Be brief.') + Buffer.byteLength('héllo wörld');
    assert.equal(size.estimate, TOKENS_PER_REPLY + 2 * TOKENS_PER_MESSAGE + Math.ceil(textBytes / ESTIMATE_BYTES_PER_TOKEN) + TOKENS_PER_IMAGE);
    assert.ok(size.estimate <= size.bound);
    assert.equal(size.counted(), countPromptTokens(req));
    const withTools = measurePrompt({ ...req, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    assert.ok(withTools.estimate > size.estimate);
    assert.ok(withTools.bound > size.bound);
  });

  it('is one token per UTF-8 byte plus the template allowance, never below the estimate', () => {
    const req = { model: 'm', messages: [{ role: 'user' as const, content: 'héllo wörld' }] };
    assert.equal(measurePrompt(req).bound, TOKENS_PER_REPLY + BOUND_TOKENS_PER_MESSAGE + Buffer.byteLength('héllo wörld'));
    for (const text of ['a'.repeat(400), 'word '.repeat(200), '漢字のテキスト'.repeat(30), '{"k": [1, 2, 3]}'.repeat(20)]) {
      const request = { model: 'm', messages: [{ role: 'user' as const, content: text }] };
      assert.ok(measurePrompt(request).bound >= countPromptTokens(request), text.slice(0, 20));
      // The simulator's own count (ceil(chars / 4) + 3 per message) must fit under the bound too.
      assert.ok(measurePrompt(request).bound >= Math.ceil(text.length / 4) + 3);
    }
  });
});
