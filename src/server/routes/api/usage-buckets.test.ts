import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketRange, fillSeries } from './usage-buckets.js';

const NOW = Date.parse('2026-03-10T15:42:00.000Z');

describe('usage buckets', () => {
  it('day: the last N UTC days, today last, zero-filled', () => {
    const range = bucketRange('day', 3, NOW);
    assert.equal(range.fromIso, '2026-03-08T00:00:00.000Z');
    const point = {
      bucket: '2026-03-09',
      requests: 2,
      promptTokens: 3,
      completionTokens: 4,
      costUsd: 0.5,
      responseCacheHits: 1,
      responseCacheSavedUsd: 0.25,
    };
    const points = fillSeries(range, [point]);
    assert.deepEqual(points, [
      { bucket: '2026-03-08', requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, responseCacheHits: 0, responseCacheSavedUsd: 0 },
      point,
      { bucket: '2026-03-10', requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, responseCacheHits: 0, responseCacheSavedUsd: 0 },
    ]);
  });

  it('hour: the last 24 hours, the current one last', () => {
    const range = bucketRange('hour', 30, NOW);
    assert.equal(range.fromIso, '2026-03-09T16:00:00.000Z');
    const points = fillSeries(range, [
      { bucket: '2026-03-10T15', requests: 1, promptTokens: 1, completionTokens: 1, costUsd: 1, responseCacheHits: 0, responseCacheSavedUsd: 0 },
    ]);
    assert.equal(points.length, 24);
    assert.equal(points[0]?.bucket, '2026-03-09T16:00:00Z');
    assert.deepEqual(points[23], {
      bucket: '2026-03-10T15:00:00Z',
      requests: 1,
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 1,
      responseCacheHits: 0,
      responseCacheSavedUsd: 0,
    });
  });
});
