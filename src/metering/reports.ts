/**
 * @module Usage reports read back from the ledger: what the dashboard (`/api/me`, `/api/usage`, `/api/logs`) and
 * `originalpoint usage` show. Month totals are over the UTC month containing the query's `nowMs` ({@link monthBounds});
 * every read is scoped to one account. Callers go through here, not the store's repositories.
 */
import type { Kysely } from 'kysely';
import {
  listUsageLog,
  monthlyTotals,
  usageByEndUser,
  usageByKey,
  usageByModel,
  usageSeries,
  type Database,
  type UsageBucket,
  type UsageLogEntry,
  type UsageLogQuery,
  type UsageSeriesPoint,
  type UsageShare,
  type UsageTotals,
} from '../store/index.js';
import { monthBounds } from './ledger.js';

/** Which account's (or key's, or end user's) usage {@link readMonthlyUsage} totals, in the month containing `nowMs`. */
export interface MonthlyUsageQuery {
  accountId: string;
  keyId?: string;
  /** Only the requests that named this end user. */
  endUser?: string;
  nowMs: number;
}

/** Requests, tokens and cost of an account, key or end user in the current UTC month, BYOK included. */
export async function readMonthlyUsage(db: Kysely<Database>, query: MonthlyUsageQuery): Promise<UsageTotals> {
  const { startIso, endIso } = monthBounds(query.nowMs);
  return monthlyTotals(db, {
    accountId: query.accountId,
    keyId: query.keyId,
    ...(query.endUser === undefined ? {} : { endUser: query.endUser }),
    monthStartIso: startIso,
    monthEndIso: endIso,
  });
}

/** End users in {@link readMonthlyUsageByEndUser} and a {@link UsageReport}: the costliest. */
export const TOP_END_USERS = 100;

/** This month's usage per end user of an account (or one key), costliest first, at most {@link TOP_END_USERS}. */
export async function readMonthlyUsageByEndUser(db: Kysely<Database>, query: MonthlyUsageQuery): Promise<(UsageShare & { endUser: string })[]> {
  const { startIso, endIso } = monthBounds(query.nowMs);
  const range = {
    accountId: query.accountId,
    fromIso: startIso,
    toIso: endIso,
    ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
    ...(query.endUser === undefined ? {} : { endUser: query.endUser }),
  };
  return usageByEndUser(db, range, TOP_END_USERS);
}

/** What {@link readUsageReport} covers: one account's rows (or one end user's among them) from `fromIso` on. */
export interface UsageReportQuery {
  accountId: string;
  /** ISO-8601 start of the first chart bucket, inclusive. */
  fromIso: string;
  bucket: UsageBucket;
  /** Only the requests that named this end user (the month's totals included). */
  endUser?: string;
  /** The month's totals are those of the UTC month containing it. */
  nowMs: number;
}

/** An account's usage since a time, split every way the dashboard charts it, and the month's totals. */
export interface UsageReport {
  /** The buckets that have rows, oldest first (the caller fills the gaps). */
  series: UsageSeriesPoint[];
  byModel: (UsageShare & { model: string })[];
  /** `name` is null for a key deleted since. */
  byKey: (UsageShare & { keyId: string; name: string | null })[];
  /** The costliest {@link TOP_END_USERS} end users. */
  byEndUser: (UsageShare & { endUser: string })[];
  month: UsageTotals;
}

/** The dashboard's usage page: the chart, the splits by model, key and end user, and the month's totals. */
export async function readUsageReport(db: Kysely<Database>, query: UsageReportQuery): Promise<UsageReport> {
  const endUser = query.endUser === undefined ? {} : { endUser: query.endUser };
  const range = { accountId: query.accountId, fromIso: query.fromIso, ...endUser };
  const [series, byModel, byKey, byEndUser, month] = await Promise.all([
    usageSeries(db, { ...range, bucket: query.bucket }),
    usageByModel(db, range),
    usageByKey(db, range),
    usageByEndUser(db, range, TOP_END_USERS),
    readMonthlyUsage(db, { accountId: query.accountId, nowMs: query.nowMs, ...endUser }),
  ]);
  return { series, byModel, byKey, byEndUser, month };
}

/** One page of an account's request log, newest first (keyset-paged by `before`). */
export function readUsageLog(db: Kysely<Database>, query: UsageLogQuery): Promise<UsageLogEntry[]> {
  return listUsageLog(db, query);
}
