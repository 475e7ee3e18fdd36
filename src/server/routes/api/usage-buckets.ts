/**
 * @module The time axis of the usage chart: which buckets a request covers and zero-filling the ones with no rows,
 * so a chart gets one point per day (or hour) without gaps. Times are UTC.
 */
import type { UsageBucket, UsageSeriesPoint } from '../../../metering/index.js';

/** The buckets of one chart: their start times and what the store's bucket keys look like. */
export interface BucketRange {
  granularity: UsageBucket;
  /** Start of the first bucket. */
  fromIso: string;
  /** Bucket starts in epoch ms, oldest first. */
  starts: number[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `day`: the last `days` UTC days, today included. `hour`: the last 24 hours, the current one included. */
export function bucketRange(granularity: UsageBucket, days: number, now: number): BucketRange {
  const step = granularity === 'day' ? DAY_MS : HOUR_MS;
  const count = granularity === 'day' ? days : 24;
  const current = Math.floor(now / step) * step;
  const starts = Array.from({ length: count }, (_, i) => current - (count - 1 - i) * step);
  return { granularity, fromIso: new Date(starts[0] ?? current).toISOString(), starts };
}

/** A chart point: the bucket's label and its totals. */
export interface FilledPoint extends Omit<UsageSeriesPoint, 'bucket'> {
  /** `YYYY-MM-DD` for days, `YYYY-MM-DDTHH:00:00Z` for hours. */
  bucket: string;
}

/** One point per bucket of `range`, zeros where the store had no rows. */
export function fillSeries(range: BucketRange, rows: readonly UsageSeriesPoint[]): FilledPoint[] {
  const byKey = new Map(rows.map((row) => [row.bucket, row]));
  const keyLength = range.granularity === 'day' ? 10 : 13;
  return range.starts.map((start) => {
    const iso = new Date(start).toISOString();
    const key = iso.slice(0, keyLength);
    const row = byKey.get(key);
    return {
      bucket: range.granularity === 'day' ? key : `${key}:00:00Z`,
      requests: row?.requests ?? 0,
      promptTokens: row?.promptTokens ?? 0,
      completionTokens: row?.completionTokens ?? 0,
      costUsd: row?.costUsd ?? 0,
      responseCacheHits: row?.responseCacheHits ?? 0,
      responseCacheSavedUsd: row?.responseCacheSavedUsd ?? 0,
    };
  });
}
