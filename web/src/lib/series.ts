/**
 * Turns the usage API's sparse series into one point per day (or hour) so
 * charts show quiet days as zero instead of skipping them. Buckets are read as
 * UTC; labels are shown in the viewer's time zone for hours.
 */
import type { UsagePoint } from './types';

export interface ChartPoint {
  key: string;
  label: string;
  fullLabel: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  tokens: number;
  cost_usd: number;
  /** Requests the response cache answered, and the spend those answers saved. */
  response_cache_hits: number;
  response_cache_saved_usd: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** 'YYYY-MM-DD' for days, 'YYYY-MM-DDTHH' for hours, or null when unreadable. */
export function bucketKey(bucket: string | number, granularity: 'day' | 'hour'): string | null {
  let iso: string | null = null;
  if (typeof bucket === 'number') {
    const ms = bucket < 1e12 ? bucket * 1000 : bucket;
    iso = new Date(ms).toISOString();
  } else if (/^\d{4}-\d{2}-\d{2}([ T]\d{2})?/.test(bucket) && !/[+-]\d{2}:?\d{2}$|Z$/.test(bucket)) {
    iso = bucket.replace(' ', 'T');
  } else {
    const date = new Date(bucket);
    if (!Number.isNaN(date.getTime())) iso = date.toISOString();
  }
  if (!iso) return null;
  if (granularity === 'day') return iso.slice(0, 10);
  return iso.length >= 13 ? iso.slice(0, 13) : `${iso.slice(0, 10)}T00`;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayFull = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const hourFull = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function fillSeries(series: readonly UsagePoint[], granularity: 'day' | 'hour', count: number, now: number = Date.now()): ChartPoint[] {
  const byKey = new Map<string, UsagePoint>();
  for (const point of series) {
    const key = bucketKey(point.bucket, granularity);
    if (!key) continue;
    const previous = byKey.get(key);
    byKey.set(
      key,
      previous
        ? {
            bucket: point.bucket,
            requests: previous.requests + point.requests,
            prompt_tokens: previous.prompt_tokens + point.prompt_tokens,
            completion_tokens: previous.completion_tokens + point.completion_tokens,
            cost_usd: previous.cost_usd + point.cost_usd,
            response_cache_hits: (previous.response_cache_hits ?? 0) + (point.response_cache_hits ?? 0),
            response_cache_saved_usd: (previous.response_cache_saved_usd ?? 0) + (point.response_cache_saved_usd ?? 0),
          }
        : point,
    );
  }
  const step = granularity === 'day' ? DAY_MS : HOUR_MS;
  const points: ChartPoint[] = [];
  for (let index = count - 1; index >= 0; index -= 1) {
    const date = new Date(now - index * step);
    const key = granularity === 'day' ? date.toISOString().slice(0, 10) : date.toISOString().slice(0, 13);
    const start = new Date(granularity === 'day' ? `${key}T00:00:00Z` : `${key}:00:00Z`);
    const point = byKey.get(key);
    byKey.delete(key);
    points.push(toChartPoint(key, start, granularity, point));
  }
  return points;
}

function toChartPoint(key: string, start: Date, granularity: 'day' | 'hour', point: UsagePoint | undefined): ChartPoint {
  const prompt = point?.prompt_tokens ?? 0;
  const completion = point?.completion_tokens ?? 0;
  return {
    key,
    label: granularity === 'day' ? dayLabel.format(start) : hourLabel.format(start),
    fullLabel: granularity === 'day' ? dayFull.format(start) : hourFull.format(start),
    requests: point?.requests ?? 0,
    prompt_tokens: prompt,
    completion_tokens: completion,
    tokens: prompt + completion,
    cost_usd: point?.cost_usd ?? 0,
    response_cache_hits: point?.response_cache_hits ?? 0,
    response_cache_saved_usd: point?.response_cache_saved_usd ?? 0,
  };
}
