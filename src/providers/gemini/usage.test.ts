import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertGeminiUsage, hasGeminiTokenCounts } from './usage.js';

describe('convertGeminiUsage', () => {
  it('adds tool-use prompt tokens to the prompt and thoughts to the completion (google-tool-use-usage)', () => {
    const usage = convertGeminiUsage({
      promptTokenCount: 55,
      candidatesTokenCount: 51,
      totalTokenCount: 251,
      toolUsePromptTokenCount: 89,
      thoughtsTokenCount: 56,
    });
    assert.deepEqual(usage, {
      prompt_tokens: 144,
      completion_tokens: 107,
      total_tokens: 251,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 56 },
    });
  });

  it('reports cached content tokens as a detail of the prompt, not on top of it', () => {
    const usage = convertGeminiUsage({ promptTokenCount: 1000, cachedContentTokenCount: 800, candidatesTokenCount: 10 });
    assert.equal(usage.prompt_tokens, 1000);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 800 });
    assert.equal(usage.total_tokens, 1010);
  });

  it('computes the total from its parts rather than trusting totalTokenCount', () => {
    const usage = convertGeminiUsage({ promptTokenCount: 9, candidatesTokenCount: 28, thoughtsTokenCount: 244, totalTokenCount: 1 });
    assert.equal(usage.completion_tokens, 272);
    assert.equal(usage.total_tokens, 281);
  });

  it('treats missing counts as zero (prompt-only usage of a blocked prompt)', () => {
    assert.deepEqual(convertGeminiUsage({ promptTokenCount: 9, totalTokenCount: 9 }), {
      prompt_tokens: 9,
      completion_tokens: 0,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});

describe('hasGeminiTokenCounts', () => {
  it('is false for a snapshot without counts (Vertex sends only trafficType mid-stream)', () => {
    assert.equal(hasGeminiTokenCounts({}), false);
    assert.equal(hasGeminiTokenCounts({ thoughtsTokenCount: 0 }), true);
  });
});
