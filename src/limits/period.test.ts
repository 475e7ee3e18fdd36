/** @module Budget periods: UTC days, ISO weeks starting on Monday, calendar months, at their edges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { periodBounds, periodLabel } from './period.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('budget periods', () => {
  it('starts a day at 00:00 UTC, whatever the hour', () => {
    const lastMs = Date.UTC(2026, 4, 10, 23, 59, 59, 999);
    assert.equal(periodLabel('daily', lastMs), '2026-05-10');
    assert.equal(periodLabel('daily', lastMs + 1), '2026-05-11');
    const { startMs, endMs } = periodBounds('daily', lastMs);
    assert.deepEqual([iso(startMs), iso(endMs)], ['2026-05-10T00:00:00.000Z', '2026-05-11T00:00:00.000Z']);
  });

  it('starts a week on Monday 00:00 UTC (ISO 8601), Sunday belonging to the week before', () => {
    const sunday = Date.UTC(2026, 4, 10, 23, 59, 59, 999);
    const monday = Date.UTC(2026, 4, 11);
    assert.equal(periodLabel('weekly', sunday), 'W2026-05-04');
    assert.equal(periodLabel('weekly', monday), 'W2026-05-11');
    assert.equal(periodLabel('weekly', Date.UTC(2026, 4, 17, 12)), 'W2026-05-11');
    const { startMs, endMs } = periodBounds('weekly', Date.UTC(2026, 4, 13, 8));
    assert.deepEqual([iso(startMs), iso(endMs)], ['2026-05-11T00:00:00.000Z', '2026-05-18T00:00:00.000Z']);
  });

  it('keeps a week whole across a month and a year end', () => {
    assert.equal(periodLabel('weekly', Date.UTC(2026, 0, 1)), 'W2025-12-29', '1 Jan 2026 is a Thursday');
    assert.equal(periodLabel('weekly', Date.UTC(2026, 0, 4, 23)), 'W2025-12-29');
    assert.equal(periodLabel('weekly', Date.UTC(2026, 0, 5)), 'W2026-01-05');
    assert.equal(periodLabel('weekly', Date.UTC(1970, 0, 1)), 'W1969-12-29', 'the epoch was a Thursday too');
    assert.equal(periodLabel('weekly', Date.UTC(1969, 11, 28)), 'W1969-12-22', 'before the epoch');
  });

  it('ends a month on its last day, leap days and December included', () => {
    assert.equal(periodLabel('monthly', Date.UTC(2028, 1, 29, 23, 59, 59, 999)), '2028-02');
    assert.equal(periodLabel('monthly', Date.UTC(2028, 2, 1)), '2028-03');
    assert.equal(periodLabel('daily', Date.UTC(2028, 1, 29, 12)), '2028-02-29');
    const december = periodBounds('monthly', Date.UTC(2026, 11, 31, 23, 59));
    assert.deepEqual([iso(december.startMs), iso(december.endMs)], ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    const april = periodBounds('monthly', Date.UTC(2026, 3, 30, 12));
    assert.equal(iso(april.endMs), '2026-05-01T00:00:00.000Z', 'a 30-day month');
  });
});
