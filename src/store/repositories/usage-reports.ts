/** @module The dashboard's reads of the `usage` ledger: monthly totals, chart series, splits by model, key and end user, and the paged request log. */
import { type ExpressionBuilder, sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { aggregateNumber } from './aggregate-number.js';
import { fromUsageRow, type UsageRecord } from './ledger.js';

/** Request count, tokens and cost over some rows of the ledger, and what the response cache saved in them. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Requests the response cache answered. */
  responseCacheHits: number;
  /** USD the cached answers had cost when generated: what the hits saved. */
  responseCacheSavedUsd: number;
}

/** Which rows {@link monthlyTotals} sums: one account's, or one of its keys', from the month's start. */
export interface MonthlyTotalsQuery {
  accountId: string;
  /** Only this key's rows (they must also belong to `accountId`). */
  keyId?: string;
  /** ISO-8601 start of the month, inclusive. */
  monthStartIso: string;
  /** ISO-8601 end, exclusive; omitted means no upper bound. */
  monthEndIso?: string;
  /** Only the rows of this end user. */
  endUser?: string;
}

/** Totals of an account's (or one key's) rows this month, BYOK included; zeros when there are none. */
export async function monthlyTotals(db: Kysely<Database>, query: MonthlyTotalsQuery): Promise<UsageTotals> {
  const { accountId, keyId, endUser, monthStartIso: fromIso, monthEndIso: toIso } = query;
  const row = await inRange(db, { accountId, keyId, endUser, fromIso, toIso }).select(totalsColumns).executeTakeFirst();
  return toTotals(row);
}

/** The width of a dashboard chart bucket. */
export type UsageBucket = 'day' | 'hour';

/** One account's rows from `fromIso` (inclusive) to `toIso` (exclusive; omitted: no upper bound). */
export interface UsageRange {
  accountId: string;
  fromIso: string;
  toIso?: string;
  /** Only the rows of this end user. */
  endUser?: string;
  /** Only the rows of this key. */
  keyId?: string;
}

/** Totals of one chart bucket. */
export interface UsageSeriesPoint extends UsageTotals {
  /** The bucket's start as the leading part of an ISO-8601 UTC time: `YYYY-MM-DD` (day) or `YYYY-MM-DDTHH` (hour). */
  bucket: string;
}

/** Requests, tokens (prompt + completion) and cost of one model or key. */
export interface UsageShare {
  requests: number;
  tokens: number;
  costUsd: number;
}

/** Which page of an account's request log {@link listUsageLog} returns, newest first. */
export interface UsageLogQuery {
  accountId: string;
  /** Rows per page. */
  limit: number;
  /** Only rows strictly older than this position (the last row of the previous page). */
  before?: { createdAt: string; id: string };
  /** Only rows that asked for or were routed to this model. */
  model?: string;
  keyId?: string;
  /** An HTTP status, or every success (< 400) or every error (>= 400). */
  status?: number | 'success' | 'error';
  /** Only the rows of this end user. */
  endUser?: string;
}

/** A request log row with the name of its key (null when the key no longer exists). */
export interface UsageLogEntry extends UsageRecord {
  keyName: string | null;
}

/** Characters of `created_at` that name a bucket: `2026-01-02` (10) or `2026-01-02T03` (13). */
const BUCKET_LENGTH: Record<UsageBucket, number> = { day: 10, hour: 13 };

/**
 * Totals per day or hour (UTC) over a range, BYOK included; buckets without rows are absent, in time order. ISO-8601
 * text timestamps make a bucket a prefix of `created_at`, so one portable `substr` groups them.
 */
export async function usageSeries(db: Kysely<Database>, range: UsageRange & { bucket: UsageBucket }): Promise<UsageSeriesPoint[]> {
  // A literal, not a bound parameter: PostgreSQL only matches GROUP BY to the select list when both are identical.
  const bucket = sql<string>`substr(created_at, 1, ${sql.lit(BUCKET_LENGTH[range.bucket])})`;
  const rows = await inRange(db, range)
    .select((eb) => [bucket.as('bucket'), ...totalsColumns(eb)])
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();
  return rows.map((row) => ({ bucket: row.bucket, ...toTotals(row) }));
}

/** Usage per model over a range (the routed model, or the requested one when none was routed), costliest first. */
export async function usageByModel(db: Kysely<Database>, range: UsageRange): Promise<(UsageShare & { model: string })[]> {
  const model = sql<string>`coalesce(routed_model, requested_model)`;
  const rows = await inRange(db, range)
    .select([model.as('model'), ...shareColumns()])
    .groupBy(model)
    .execute();
  return sortByCost(rows.map((row) => ({ model: row.model, ...toShare(row) })));
}

/** Usage per key over a range, with each key's name, costliest first. */
export async function usageByKey(db: Kysely<Database>, range: UsageRange): Promise<(UsageShare & { keyId: string; name: string | null })[]> {
  const rows = await inRange(db, range)
    .leftJoin('apiKeys', 'apiKeys.id', 'usage.keyId')
    .select(['usage.keyId', 'apiKeys.name', ...shareColumns()])
    .groupBy(['usage.keyId', 'apiKeys.name'])
    .execute();
  return sortByCost(rows.map((row) => ({ keyId: row.keyId, name: row.name, ...toShare(row) })));
}

/**
 * Usage per end user over a range (rows naming none are left out), costliest first, at most `limit` of them: an
 * account may have millions of end users, and a report shows the ones that matter.
 */
export async function usageByEndUser(db: Kysely<Database>, range: UsageRange, limit: number): Promise<(UsageShare & { endUser: string })[]> {
  const cost = sql<number>`sum(usage.cost_usd)`;
  const rows = await inRange(db, range)
    .where('usage.endUser', 'is not', null)
    .select(['usage.endUser', ...shareColumns()])
    .groupBy('usage.endUser')
    .orderBy(cost, 'desc')
    .orderBy('usage.endUser')
    .limit(limit)
    .execute();
  return sortByCost(rows.map((row) => ({ endUser: row.endUser ?? '', ...toShare(row) })));
}

/** One page of an account's request log, newest first (ties broken by id, so paging is stable). */
export async function listUsageLog(db: Kysely<Database>, query: UsageLogQuery): Promise<UsageLogEntry[]> {
  let select = db
    .selectFrom('usage')
    .leftJoin('apiKeys', 'apiKeys.id', 'usage.keyId')
    .selectAll('usage')
    .select('apiKeys.name as keyName')
    .where('usage.accountId', '=', query.accountId);
  const { before, model, keyId, status, endUser } = query;
  if (before !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('usage.createdAt', '<', before.createdAt), eb.and([eb('usage.createdAt', '=', before.createdAt), eb('usage.id', '<', before.id)])]),
    );
  }
  if (model !== undefined) {
    select = select.where((eb) => eb.or([eb('usage.requestedModel', '=', model), eb('usage.routedModel', '=', model)]));
  }
  if (keyId !== undefined) select = select.where('usage.keyId', '=', keyId);
  if (endUser !== undefined) select = select.where('usage.endUser', '=', endUser);
  if (status === 'success') select = select.where('usage.status', '<', 400);
  else if (status === 'error') select = select.where('usage.status', '>=', 400);
  else if (status !== undefined) select = select.where('usage.status', '=', status);
  const rows = await select.orderBy('usage.createdAt', 'desc').orderBy('usage.id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({ ...fromUsageRow(row), keyName: row.keyName }));
}

function inRange(db: Kysely<Database>, range: UsageRange) {
  let select = db.selectFrom('usage').where('usage.accountId', '=', range.accountId).where('usage.createdAt', '>=', range.fromIso);
  if (range.toIso !== undefined) select = select.where('usage.createdAt', '<', range.toIso);
  if (range.endUser !== undefined) select = select.where('usage.endUser', '=', range.endUser);
  if (range.keyId !== undefined) select = select.where('usage.keyId', '=', range.keyId);
  return select;
}

/** The {@link UsageTotals} of the selected `usage` rows, as aggregates. */
function totalsColumns(eb: ExpressionBuilder<Database, 'usage'>) {
  return [
    eb.fn.countAll().as('requests'),
    eb.fn.sum('promptTokens').as('promptTokens'),
    eb.fn.sum('completionTokens').as('completionTokens'),
    eb.fn.sum('costUsd').as('costUsd'),
    eb.fn.sum('responseCacheHit').as('responseCacheHits'),
    eb.fn.sum('responseCacheSavedUsd').as('responseCacheSavedUsd'),
  ] as const;
}

/** {@link totalsColumns} read back as numbers; zeros when there is no row. */
function toTotals(row: { [K in keyof UsageTotals]: unknown } | undefined): UsageTotals {
  return {
    requests: aggregateNumber(row?.requests),
    promptTokens: aggregateNumber(row?.promptTokens),
    completionTokens: aggregateNumber(row?.completionTokens),
    costUsd: aggregateNumber(row?.costUsd),
    responseCacheHits: aggregateNumber(row?.responseCacheHits),
    responseCacheSavedUsd: aggregateNumber(row?.responseCacheSavedUsd),
  };
}

/** Requests, tokens and cost as aggregates; plain SQL so they fit a select over `usage` joined with anything. */
function shareColumns() {
  return [
    sql<unknown>`count(*)`.as('requests'),
    sql<unknown>`sum(usage.prompt_tokens) + sum(usage.completion_tokens)`.as('tokens'),
    sql<unknown>`sum(usage.cost_usd)`.as('costUsd'),
  ] as const;
}

function toShare(row: { requests: unknown; tokens: unknown; costUsd: unknown }): UsageShare {
  return { requests: aggregateNumber(row.requests), tokens: aggregateNumber(row.tokens), costUsd: aggregateNumber(row.costUsd) };
}

function sortByCost<T extends UsageShare>(rows: T[]): T[] {
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
}
