/**
 * @module `GET /api/usage` (chart series by day or hour, splits by model, key and end user, the month's totals; each
 * series point and the totals with the response cache's hits and what they saved; `?user=` narrows all of it to one
 * end user, as the requests named it with `user`, `safety_identifier` or `metadata.user_id`) and
 * `GET /api/logs` (the request log, newest first, keyset-paged by an opaque cursor). Only the signed-in account's
 * ledger rows are ever read. Query values arrive as strings and are parsed here (the app does not coerce types).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { invalidRequest } from '../../../core/gateway-error.js';
import { MAX_END_USER_LENGTH } from '../../../core/end-user.js';
import { readUsageLog, readUsageReport, type UsageLogEntry, type UsageLogQuery } from '../../../metering/index.js';
import type { DashboardContext } from './context.js';
import { LogsAnswer, UsageAnswer, type UsageByKey, type UsageByModel, type UsageByUser, type UsagePoint } from './schemas.js';
import { sessionOf } from './session.js';
import { bucketRange, fillSeries } from './usage-buckets.js';
import { logEntryJson, monthJson, roundUsd } from './wire.js';

const EndUser = Type.String({ maxLength: MAX_END_USER_LENGTH });
const UsageQuery = Type.Object({
  granularity: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('hour')])),
  days: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  user: Type.Optional(EndUser),
});
const LogsQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  model: Type.Optional(Type.String({ maxLength: 200 })),
  key_id: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.String({ pattern: '^([1-5][0-9]{2}|success|error)?$' })),
  user: Type.Optional(EndUser),
});

/** `days` when not given, and its largest value. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
/** `limit` when not given, and its largest value. */
const DEFAULT_LOG_LIMIT = 50;
const MAX_LOG_LIMIT = 200;

/** Registers the usage and log routes on the `/api` instance. */
export function registerUsageRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.get<{ Querystring: Static<typeof UsageQuery> }>(
    '/usage',
    { schema: { querystring: UsageQuery, response: { 200: UsageAnswer } } },
    async (request): Promise<Static<typeof UsageAnswer>> => {
      const { accountId } = sessionOf(request);
      const granularity = request.query.granularity ?? 'day';
      const days = boundedInt(request.query.days, 'days', DEFAULT_DAYS, MAX_DAYS);
      const now = ctx.now();
      const range = bucketRange(granularity, days, now);
      const endUser = nonEmpty(request.query.user);
      const report = await readUsageReport(ctx.db, {
        accountId,
        fromIso: range.fromIso,
        bucket: granularity,
        nowMs: now,
        ...(endUser === undefined ? {} : { endUser }),
      });
      return {
        series: fillSeries(range, report.series).map((point): Static<typeof UsagePoint> => ({ bucket: point.bucket, ...monthJson(point) })),
        by_model: report.byModel.map(
          (row): Static<typeof UsageByModel> => ({ model: row.model, requests: row.requests, tokens: row.tokens, cost_usd: roundUsd(row.costUsd) }),
        ),
        by_key: report.byKey.map(
          (row): Static<typeof UsageByKey> => ({
            key_id: row.keyId,
            name: row.name ?? row.keyId,
            requests: row.requests,
            tokens: row.tokens,
            cost_usd: roundUsd(row.costUsd),
          }),
        ),
        by_user: report.byEndUser.map(
          (row): Static<typeof UsageByUser> => ({ user: row.endUser, requests: row.requests, tokens: row.tokens, cost_usd: roundUsd(row.costUsd) }),
        ),
        user: endUser ?? null,
        totals: monthJson(report.month),
      };
    },
  );

  api.get<{ Querystring: Static<typeof LogsQuery> }>(
    '/logs',
    { schema: { querystring: LogsQuery, response: { 200: LogsAnswer } } },
    async (request): Promise<Static<typeof LogsAnswer>> => {
      const { accountId } = sessionOf(request);
      const q = request.query;
      const limit = boundedInt(q.limit, 'limit', DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT);
      const query: UsageLogQuery = { accountId, limit: limit + 1 };
      const before = nonEmpty(q.cursor) === undefined ? undefined : decodeCursor(q.cursor ?? '');
      if (before !== undefined) query.before = before;
      const model = nonEmpty(q.model);
      if (model !== undefined) query.model = model;
      const keyId = nonEmpty(q.key_id);
      if (keyId !== undefined) query.keyId = keyId;
      const endUser = nonEmpty(q.user);
      if (endUser !== undefined) query.endUser = endUser;
      const status = nonEmpty(q.status);
      if (status !== undefined) query.status = status === 'success' || status === 'error' ? status : Number(status);
      const rows = await readUsageLog(ctx.db, query);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map(logEntryJson),
        next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
      };
    },
  );
}

/** The cursor is the last row's position, base64url JSON; opaque to clients. */
function encodeCursor(row: UsageLogEntry): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
    return { createdAt: value[0], id: value[1] };
  }
  throw invalidRequest('Invalid value for `cursor`: pass the `next_cursor` of the previous page.', 'cursor');
}

function boundedInt(text: string | undefined, param: string, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidRequest(`Invalid value for \`${param}\`: must be a whole number from 1 to ${max}.`, param);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
