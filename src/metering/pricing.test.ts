import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costUsd, withCost } from './pricing.js';

const pricing = { input_per_million: 2.5, output_per_million: 10, cached_input_per_million: 0.25 };

describe('costUsd', () => {
  it('charges input and output at list prices', () => {
    assert.equal(costUsd({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, pricing), 0.0075);
  });

  it('charges cached prompt tokens at the cached price', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000, prompt_tokens_details: { cached_tokens: 400 } };
    assert.equal(costUsd(usage, pricing), (600 * 2.5 + 400 * 0.25) / 1e6);
  });

  it('falls back to the input price when the model has no cached price', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10, prompt_tokens_details: { cached_tokens: 10 } };
    assert.equal(costUsd(usage, { input_per_million: 3, output_per_million: 15 }), 0.00003);
  });

  it('rounds to a billionth of a dollar and keeps the counts', () => {
    const usage = withCost({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, { input_per_million: 0.15, output_per_million: 0.6 });
    assert.equal(usage.cost_usd, 0.00000075);
    assert.equal(usage.total_tokens, 2);
  });
});
