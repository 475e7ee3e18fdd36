import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costBoundUsd, costUsd, withCost } from './pricing.js';

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

describe('costUsd: prompt cache writes', () => {
  /** claude-sonnet-4.5's catalog prices: reads 0.1×, five-minute writes 1.25×, one-hour writes 2× input. */
  const claude = {
    input_per_million: 3,
    output_per_million: 15,
    cached_input_per_million: 0.3,
    cache_write_per_million: 3.75,
    cache_write_1h_per_million: 6,
  };

  it('charges reads, five-minute writes, one-hour writes and the rest of the prompt each at its price', () => {
    const usage = {
      prompt_tokens: 10_000,
      completion_tokens: 100,
      total_tokens: 10_100,
      prompt_tokens_details: { cached_tokens: 4000, cache_write_tokens: 5000, cache_write_1h_tokens: 2000 },
    };
    assert.equal(costUsd(usage, claude), (1000 * 3 + 4000 * 0.3 + 3000 * 3.75 + 2000 * 6 + 100 * 15) / 1e6);
  });

  it('charges writes at the input price when the catalog has no cache-write price', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 0,
      total_tokens: 100,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 100 },
    };
    assert.equal(costUsd(usage, { input_per_million: 3, output_per_million: 15 }), 0.0003);
  });

  it('never charges more cache tokens than the prompt has', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 0,
      total_tokens: 100,
      prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 500, cache_write_1h_tokens: 900 },
    };
    assert.equal(costUsd(usage, claude), (80 * 0.3 + 20 * 6) / 1e6);
  });

  it('bounds a reservation at the highest prompt price', () => {
    assert.equal(costBoundUsd(1000, 10, claude), (1000 * 6 + 10 * 15) / 1e6);
    assert.equal(costBoundUsd(1000, 10, { input_per_million: 3, output_per_million: 15 }), (1000 * 3 + 10 * 15) / 1e6);
  });
});
