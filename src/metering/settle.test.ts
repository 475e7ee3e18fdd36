import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleUnrelayed, settleUsage } from './settle.js';

const pricing = { input_per_million: 1, output_per_million: 2 };

describe('settleUsage', () => {
  it('prices the upstream counts when there are some, without calling the fallback', () => {
    const fallback = { promptTokens: () => assert.fail('not needed'), outputTokens: () => assert.fail('not needed') };
    const settled = settleUsage({ prompt_tokens: 1_000_000, completion_tokens: 500_000, total_tokens: 1_500_000 }, fallback, pricing);
    assert.deepEqual(settled, {
      usage: { prompt_tokens: 1_000_000, completion_tokens: 500_000, total_tokens: 1_500_000, cost_usd: 2 },
      estimated: false,
    });
  });

  it('counts with the fallback and marks the usage estimated when the upstream reported none', () => {
    const settled = settleUsage(undefined, { promptTokens: () => 10, outputTokens: () => 20 }, pricing);
    assert.deepEqual(settled, { usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, cost_usd: 0.00005 }, estimated: true });
  });
});

describe('settleUnrelayed', () => {
  it('charges the prompt and the output that arrived, estimated', () => {
    assert.deepEqual(settleUnrelayed(4, 2_000_000, pricing), {
      usage: { prompt_tokens: 4, completion_tokens: 2_000_000, total_tokens: 2_000_004, cost_usd: 4.000004 },
      estimated: true,
    });
  });
});
