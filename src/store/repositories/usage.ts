/** @module Writing, summing and reading back the `usage` ledger (totals, dashboard charts and the request log). */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, UsageEndpoint, UsageTable } from '../database.js';

/** One ledger row as the rest of the gateway sees it: one request, success or failure. */
export interface UsageRecord {
  /** Unique per row (`usage_…`). */
  id: string;
  /** The `x-request-id` the client saw. */
  requestId: string;
  accountId: string;
  keyId: string;
  /** The model the client asked for, `auto` included. */
  requestedModel: string;
  /** The catalog model that answered (the last one tried on failure); null when none was routed to. */
  routedModel: string | null;
  /** The provider that answered (the last one tried on failure); null when none was called. */
  provider: string | null;
  /** The account's own provider key was used: metered, but not counted against caps or included tokens. */
  byok: boolean;
  promptTokens: number;
  completionTokens: number;
  /** USD, exactly as returned to the client in `usage.cost_usd`. */
  costUsd: number;
  /** Whole milliseconds from arrival to the last byte. */
  latencyMs: number;
  /** Whole milliseconds to the first content byte; null when none was sent. */
  ttftMs: number | null;
  /** The HTTP status the client got. */
  status: number;
  /** The error `code` the client got; null on success. */
  errorCode: string | null;
  stream: boolean;
  /** ISO-8601 UTC time of the request's arrival; decides which month the row counts in. */
  createdAt: string;
  /** The API the request came through. */
  endpoint: UsageEndpoint;
  /** The upstream reported no usage: the token counts (and the cost priced from them) are the gateway's estimate. */
  estimated: boolean;
  /** Prompt tokens read from the provider's prompt cache, inside `promptTokens`; absent means 0. */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's prompt cache, inside `promptTokens`; absent means 0. */
  cacheWriteTokens?: number;
  /** The gateway's response cache answered: no upstream call, no tokens or cost billed; absent means false. */
  responseCacheHit?: boolean;
  /** USD the replayed answer cost when it was generated (what the hit saved); absent means 0. */
  responseCacheSavedUsd?: number;
  /** The end user the client named (`user`, `safety_identifier`, `metadata.user_id`); absent or null: none. */
  endUser?: string | null;
}

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

/** One account's or key's charged (non-BYOK) usage this month, as admission's counters are seeded with. */
export interface ChargedTotals {
  costUsd: number;
  /** Prompt + completion tokens. */
  tokens: number;
}

/** Whose charged totals {@link monthlyChargedTotals} sums: an account's or a key's. */
export type ChargedScope = { readonly accountId: string } | { readonly keyId: string };

/** Rows per INSERT statement: 24 bound values each stays far below SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 1000;

/**
 * Inserts rows in one transaction (inside the caller's, if `db` is a transaction): all are stored or none. A row
 * whose id is already stored is skipped, so retrying a batch whose commit outcome was unknown cannot double-count.
 */
export async function insertUsageBatch(db: Kysely<Database>, rows: readonly UsageRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(toUsageRow);
  const insertAll = async (trx: Kysely<Database>): Promise<void> => {
    for (let start = 0; start < values.length; start += ROWS_PER_STATEMENT) {
      await trx
        .insertInto('usage')
        .values(values.slice(start, start + ROWS_PER_STATEMENT))
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
    }
  };
  if (db.isTransaction) await insertAll(db);
  else await db.transaction().execute(insertAll);
}

/** Totals of an account's (or one key's) rows this month, BYOK included; zeros when there are none. */
export async function monthlyTotals(db: Kysely<Database>, query: MonthlyTotalsQuery): Promise<UsageTotals> {
  let select = db
    .selectFrom('usage')
    .select((eb) => [
      eb.fn.countAll().as('requests'),
      eb.fn.sum('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum('completion_tokens').as('completion_tokens'),
      eb.fn.sum('cost_usd').as('cost_usd'),
      eb.fn.sum('response_cache_hit').as('response_cache_hits'),
      eb.fn.sum('response_cache_saved_usd').as('response_cache_saved_usd'),
    ])
    .where('account_id', '=', query.accountId)
    .where('created_at', '>=', query.monthStartIso);
  if (query.keyId !== undefined) select = select.where('key_id', '=', query.keyId);
  if (query.endUser !== undefined) select = select.where('end_user', '=', query.endUser);
  if (query.monthEndIso !== undefined) select = select.where('created_at', '<', query.monthEndIso);
  const row = await select.executeTakeFirst();
  return {
    requests: toNumber(row?.requests),
    promptTokens: toNumber(row?.prompt_tokens),
    completionTokens: toNumber(row?.completion_tokens),
    costUsd: toNumber(row?.cost_usd),
    responseCacheHits: toNumber(row?.response_cache_hits),
    responseCacheSavedUsd: toNumber(row?.response_cache_saved_usd),
  };
}

/**
 * Charged (non-BYOK) cost and tokens of one account or key from `monthStartIso` (inclusive) to `monthEndIso`
 * (exclusive): what admission raises that scope's monthly counter to on its first use. One aggregate over the
 * scope's month, along the (account, time) or (key, time) index.
 */
export async function monthlyChargedTotals(
  db: Kysely<Database>,
  scope: ChargedScope,
  monthStartIso: string,
  monthEndIso: string,
): Promise<ChargedTotals> {
  const select = db
    .selectFrom('usage')
    .select((eb) => [
      eb.fn.sum('cost_usd').as('cost_usd'),
      eb.fn.sum('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum('completion_tokens').as('completion_tokens'),
    ])
    .where('byok', '=', 0)
    .where('created_at', '>=', monthStartIso)
    .where('created_at', '<', monthEndIso);
  const scoped = 'accountId' in scope ? select.where('account_id', '=', scope.accountId) : select.where('key_id', '=', scope.keyId);
  const row = await scoped.executeTakeFirst();
  return { costUsd: toNumber(row?.cost_usd), tokens: toNumber(row?.prompt_tokens) + toNumber(row?.completion_tokens) };
}

/** The sum of `cost_usd` over the whole ledger (0 when empty); for tests and reconciliation. */
export async function sumCost(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('usage')
    .select((eb) => eb.fn.sum('cost_usd').as('cost_usd'))
    .executeTakeFirst();
  return toNumber(row?.cost_usd);
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
    .select((eb) => [
      bucket.as('bucket'),
      eb.fn.countAll().as('requests'),
      eb.fn.sum('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum('completion_tokens').as('completion_tokens'),
      eb.fn.sum('cost_usd').as('cost_usd'),
      eb.fn.sum('response_cache_hit').as('response_cache_hits'),
      eb.fn.sum('response_cache_saved_usd').as('response_cache_saved_usd'),
    ])
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();
  return rows.map((row) => ({
    bucket: row.bucket,
    requests: toNumber(row.requests),
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    costUsd: toNumber(row.cost_usd),
    responseCacheHits: toNumber(row.response_cache_hits),
    responseCacheSavedUsd: toNumber(row.response_cache_saved_usd),
  }));
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
    .leftJoin('api_keys', 'api_keys.id', 'usage.key_id')
    .select(['usage.key_id', 'api_keys.name', ...shareColumns()])
    .groupBy(['usage.key_id', 'api_keys.name'])
    .execute();
  return sortByCost(rows.map((row) => ({ keyId: row.key_id, name: row.name, ...toShare(row) })));
}

/**
 * Usage per end user over a range (rows naming none are left out), costliest first, at most `limit` of them: an
 * account may have millions of end users, and a report shows the ones that matter.
 */
export async function usageByEndUser(db: Kysely<Database>, range: UsageRange, limit: number): Promise<(UsageShare & { endUser: string })[]> {
  const cost = sql<number>`sum(usage.cost_usd)`;
  const rows = await inRange(db, range)
    .where('usage.end_user', 'is not', null)
    .select(['usage.end_user', ...shareColumns()])
    .groupBy('usage.end_user')
    .orderBy(cost, 'desc')
    .orderBy('usage.end_user')
    .limit(limit)
    .execute();
  return sortByCost(rows.map((row) => ({ endUser: row.end_user ?? '', ...toShare(row) })));
}

/**
 * The ledger row of one request of an account (`GET /v1/requests/{id}`); undefined when the account has none with
 * that id (another account's request is never found).
 */
export async function findUsageByRequestId(db: Kysely<Database>, accountId: string, requestId: string): Promise<UsageRecord | undefined> {
  const row = await db
    .selectFrom('usage')
    .selectAll()
    .where('request_id', '=', requestId)
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : fromUsageRow(row);
}

/** One page of an account's request log, newest first (ties broken by id, so paging is stable). */
export async function listUsageLog(db: Kysely<Database>, query: UsageLogQuery): Promise<UsageLogEntry[]> {
  let select = db
    .selectFrom('usage')
    .leftJoin('api_keys', 'api_keys.id', 'usage.key_id')
    .selectAll('usage')
    .select('api_keys.name as key_name')
    .where('usage.account_id', '=', query.accountId);
  const { before, model, keyId, status, endUser } = query;
  if (before !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('usage.created_at', '<', before.createdAt), eb.and([eb('usage.created_at', '=', before.createdAt), eb('usage.id', '<', before.id)])]),
    );
  }
  if (model !== undefined) {
    select = select.where((eb) => eb.or([eb('usage.requested_model', '=', model), eb('usage.routed_model', '=', model)]));
  }
  if (keyId !== undefined) select = select.where('usage.key_id', '=', keyId);
  if (endUser !== undefined) select = select.where('usage.end_user', '=', endUser);
  if (status === 'success') select = select.where('usage.status', '<', 400);
  else if (status === 'error') select = select.where('usage.status', '>=', 400);
  else if (status !== undefined) select = select.where('usage.status', '=', status);
  const rows = await select.orderBy('usage.created_at', 'desc').orderBy('usage.id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({ ...fromUsageRow(row), keyName: row.key_name }));
}

function inRange(db: Kysely<Database>, range: UsageRange) {
  let select = db.selectFrom('usage').where('usage.account_id', '=', range.accountId).where('usage.created_at', '>=', range.fromIso);
  if (range.toIso !== undefined) select = select.where('usage.created_at', '<', range.toIso);
  if (range.endUser !== undefined) select = select.where('usage.end_user', '=', range.endUser);
  if (range.keyId !== undefined) select = select.where('usage.key_id', '=', range.keyId);
  return select;
}

/** Requests, tokens and cost as aggregates; plain SQL so they fit a select over `usage` joined with anything. */
function shareColumns() {
  return [
    sql<unknown>`count(*)`.as('requests'),
    sql<unknown>`sum(usage.prompt_tokens) + sum(usage.completion_tokens)`.as('tokens'),
    sql<unknown>`sum(usage.cost_usd)`.as('cost_usd'),
  ] as const;
}

function toShare(row: { requests: unknown; tokens: unknown; cost_usd: unknown }): UsageShare {
  return { requests: toNumber(row.requests), tokens: toNumber(row.tokens), costUsd: toNumber(row.cost_usd) };
}

function sortByCost<T extends UsageShare>(rows: T[]): T[] {
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
}

function fromUsageRow(row: Selectable<UsageTable>): UsageRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    accountId: row.account_id,
    keyId: row.key_id,
    requestedModel: row.requested_model,
    routedModel: row.routed_model,
    provider: row.provider,
    byok: row.byok !== 0,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    status: row.status,
    errorCode: row.error_code,
    stream: row.stream !== 0,
    createdAt: row.created_at,
    endpoint: row.endpoint,
    estimated: row.usage_estimated !== 0,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    responseCacheHit: row.response_cache_hit !== 0,
    responseCacheSavedUsd: row.response_cache_saved_usd,
    endUser: row.end_user,
  };
}

/** A ledger row as the `usage` table stores it (snake_case columns, booleans as 0/1). */
export function toUsageRow(record: UsageRecord): Insertable<UsageTable> {
  return {
    id: record.id,
    request_id: record.requestId,
    account_id: record.accountId,
    key_id: record.keyId,
    requested_model: record.requestedModel,
    routed_model: record.routedModel,
    provider: record.provider,
    byok: record.byok ? 1 : 0,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cost_usd: record.costUsd,
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
    status: record.status,
    error_code: record.errorCode,
    stream: record.stream ? 1 : 0,
    created_at: record.createdAt,
    endpoint: record.endpoint,
    usage_estimated: record.estimated ? 1 : 0,
    cache_read_tokens: record.cacheReadTokens ?? 0,
    cache_write_tokens: record.cacheWriteTokens ?? 0,
    response_cache_hit: record.responseCacheHit === true ? 1 : 0,
    response_cache_saved_usd: record.responseCacheSavedUsd ?? 0,
    end_user: record.endUser ?? null,
  };
}

/**
 * An aggregate as a number. SQL returns NULL for SUM over no rows, and PostgreSQL's driver returns COUNT and
 * SUM over integers (bigint, numeric) as strings.
 */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return 0;
}
