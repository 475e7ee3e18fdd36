import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUsd, nanosToUsd, usdToNanos } from './money.js';

describe('money', () => {
  it('keeps USD as integer nano-dollars', () => {
    assert.equal(usdToNanos(0.1 + 0.2), 300_000_000);
    assert.equal(usdToNanos(0.000000001), 1);
    assert.equal(nanosToUsd(2_500_000_000), 2.5);
  });

  it('formats caps with two decimals, more when needed', () => {
    assert.equal(formatUsd(5), '$5.00');
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatUsd(0.0025), '$0.0025');
    assert.equal(formatUsd(0), '$0.00');
  });
});
