import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefusedRowBudget } from './refused-row-budget.js';

describe('RefusedRowBudget', () => {
  it('grants a key its rows per minute, then none until the minute has passed', () => {
    let now = 1_000;
    const budget = new RefusedRowBudget(3, () => now);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => budget.take('k1')),
      [true, true, true, false],
    );
    assert.equal(budget.take('k2'), true, 'each key has its own budget');
    now += 59_999;
    assert.equal(budget.take('k1'), false);
    now += 1;
    assert.equal(budget.take('k1'), true);
  });
});
