import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertAnthropicUsage, mergeAnthropicUsage } from './usage.js';

describe('convertAnthropicUsage', () => {
  it('counts cache writes and reads as prompt tokens and reports reads as cached', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 10,
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 30,
      output_tokens: 7,
    });
    assert.deepEqual(usage, {
      prompt_tokens: 60,
      completion_tokens: 7,
      total_tokens: 67,
      prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
    });
  });

  it('reports the one-hour part of the cache writes from cache_creation', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 3,
      cache_creation_input_tokens: 1500,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 500 },
      output_tokens: 7,
    });
    assert.equal(usage.prompt_tokens, 1503);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 0, cache_write_tokens: 1500, cache_write_1h_tokens: 500 });
    const splitOnly = convertAnthropicUsage({
      input_tokens: 3,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 },
      output_tokens: 1,
    });
    assert.deepEqual(splitOnly.prompt_tokens_details, { cached_tokens: 0, cache_write_tokens: 30, cache_write_1h_tokens: 20 });
  });

  it('keeps the OpenAI shape when nothing was written to the cache (the recorded zeroed breakdown)', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 30,
    });
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 0 });
  });

  it('treats null cache counts as zero', () => {
    const usage = convertAnthropicUsage({
      input_tokens: 5,
      output_tokens: 1,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
    });
    assert.equal(usage.prompt_tokens, 5);
    assert.equal(usage.total_tokens, 6);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 0 });
  });

  it('reports thinking tokens as reasoning tokens only when Anthropic gives them', () => {
    const withThinking = convertAnthropicUsage({
      input_tokens: 1,
      output_tokens: 59,
      output_tokens_details: { thinking_tokens: 18 },
    });
    assert.deepEqual(withThinking.completion_tokens_details, { reasoning_tokens: 18 });
    assert.equal(withThinking.completion_tokens, 59, 'output_tokens already includes thinking');
    assert.equal(convertAnthropicUsage({ input_tokens: 1, output_tokens: 2 }).completion_tokens_details, undefined);
    const nullDetails = convertAnthropicUsage({ input_tokens: 1, output_tokens: 2, output_tokens_details: null });
    assert.equal(nullDetails.completion_tokens_details, undefined);
  });
});

describe('mergeAnthropicUsage', () => {
  it('lets later cumulative counts replace earlier ones and keeps counts the later report omits', () => {
    const merged = mergeAnthropicUsage(
      { input_tokens: 43, output_tokens: 1, cache_read_input_tokens: 4 },
      { input_tokens: 61, output_tokens: 2, cache_read_input_tokens: null },
    );
    assert.equal(merged.input_tokens, 61);
    assert.equal(merged.output_tokens, 2);
    assert.equal(merged.cache_read_input_tokens, 4);
  });

  it('keeps the cache write breakdown of message_start when message_delta leaves it out', () => {
    const merged = mergeAnthropicUsage(
      { input_tokens: 5, cache_creation_input_tokens: 300, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 300 } },
      { output_tokens: 20 },
    );
    assert.deepEqual(convertAnthropicUsage(merged).prompt_tokens_details, { cached_tokens: 0, cache_write_tokens: 300, cache_write_1h_tokens: 300 });
  });

  it('keeps thinking tokens once reported', () => {
    const merged = mergeAnthropicUsage({ output_tokens_details: { thinking_tokens: 9 } }, { output_tokens: 20 });
    assert.deepEqual(merged.output_tokens_details, { thinking_tokens: 9 });
  });
});
