/** @module UTC calendar months: labels, bounds at the edges, and the cached label of the hot path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MonthCache, monthBounds, monthOf } from './month.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('months', () => {
  it('labels UTC months and caches their bounds', () => {
    const months = new MonthCache();
    assert.equal(monthOf(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), '2026-12');
    assert.equal(months.at(Date.UTC(2026, 0, 31, 23, 59, 59, 999)), '2026-01');
    assert.equal(months.at(Date.UTC(2026, 1, 1)), '2026-02');
    assert.equal(months.at(Date.UTC(2026, 0, 15)), '2026-01');
  });

  it('bounds a month from its first instant to the next month, December and leap years included', () => {
    const december = monthBounds(Date.UTC(2026, 11, 31, 23, 59, 59, 999));
    assert.deepEqual([iso(december.startMs), iso(december.endMs)], ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    const february = monthBounds(Date.UTC(2028, 1, 29, 12));
    assert.deepEqual([iso(february.startMs), iso(february.endMs)], ['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
    assert.equal(iso(monthBounds(Date.UTC(2026, 4, 1)).startMs), '2026-05-01T00:00:00.000Z', 'the first instant is in its month');
  });
});
