/** @module The `usage` ledger on the request path: appending rows, one request's row, and the charged totals admission is seeded with. */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, UsageTable } from '../database.js';
import { aggregateNumber } from './aggregate-number.js';

/** The `usage` columns that later migrations added: a record built before them may leave them out. */
type AddedColumns = 'cacheReadTokens' | 'cacheWriteTokens' | 'responseCacheSavedUsd' | 'endUser';

/**
 * One ledger row as the rest of the gateway sees it: one request, success or failure. The `usage` columns (their
 * meaning is documented on `UsageTable`) with the 0/1 flags as booleans and `usageEstimated` as `estimated`; the
 * added columns may be absent, meaning 0, false or none.
 */
export type UsageRecord = Omit<Selectable<UsageTable>, 'byok' | 'stream' | 'usageEstimated' | 'responseCacheHit' | AddedColumns> &
  Partial<Pick<Selectable<UsageTable>, AddedColumns>> & {
    /** The account's own provider key was used: metered, but not counted against caps or included tokens. */
    byok: boolean;
    stream: boolean;
    /** The upstream reported no usage: the token counts (and the cost priced from them) are the gateway's estimate. */
    estimated: boolean;
    /** The gateway's response cache answered: no upstream call, no tokens or cost billed; absent means false. */
    responseCacheHit?: boolean;
  };

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
      eb.fn.sum('costUsd').as('costUsd'),
      eb.fn.sum('promptTokens').as('promptTokens'),
      eb.fn.sum('completionTokens').as('completionTokens'),
    ])
    .where('byok', '=', 0)
    .where('createdAt', '>=', monthStartIso)
    .where('createdAt', '<', monthEndIso);
  const scoped = 'accountId' in scope ? select.where('accountId', '=', scope.accountId) : select.where('keyId', '=', scope.keyId);
  const row = await scoped.executeTakeFirst();
  return { costUsd: aggregateNumber(row?.costUsd), tokens: aggregateNumber(row?.promptTokens) + aggregateNumber(row?.completionTokens) };
}

/**
 * The ledger row of one request of an account (`GET /v1/requests/{id}`); undefined when the account has none with
 * that id (another account's request is never found).
 */
export async function findUsageByRequestId(db: Kysely<Database>, accountId: string, requestId: string): Promise<UsageRecord | undefined> {
  const row = await db
    .selectFrom('usage')
    .selectAll()
    .where('requestId', '=', requestId)
    .where('accountId', '=', accountId)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : fromUsageRow(row);
}

/** The sum of `cost_usd` over the whole ledger (0 when empty); for tests and reconciliation. */
export async function sumCost(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('usage')
    .select((eb) => eb.fn.sum('costUsd').as('costUsd'))
    .executeTakeFirst();
  return aggregateNumber(row?.costUsd);
}

/** A stored ledger row as a {@link UsageRecord}: the 0/1 columns as booleans, `usageEstimated` as `estimated`. */
export function fromUsageRow(row: Selectable<UsageTable>): UsageRecord {
  const { byok, stream, usageEstimated, responseCacheHit, ...same } = row;
  return { ...same, byok: byok !== 0, stream: stream !== 0, estimated: usageEstimated !== 0, responseCacheHit: responseCacheHit !== 0 };
}

/**
 * A ledger row as the `usage` table stores it: booleans as 0/1, absent optional fields as their defaults. Every column
 * is named rather than spread from the record: SQLite's prepared insert takes its column list from these keys.
 */
export function toUsageRow(record: UsageRecord): Insertable<UsageTable> {
  return {
    id: record.id,
    requestId: record.requestId,
    accountId: record.accountId,
    keyId: record.keyId,
    requestedModel: record.requestedModel,
    routedModel: record.routedModel,
    provider: record.provider,
    byok: record.byok ? 1 : 0,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    costUsd: record.costUsd,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    status: record.status,
    errorCode: record.errorCode,
    stream: record.stream ? 1 : 0,
    createdAt: record.createdAt,
    endpoint: record.endpoint,
    usageEstimated: record.estimated ? 1 : 0,
    cacheReadTokens: record.cacheReadTokens ?? 0,
    cacheWriteTokens: record.cacheWriteTokens ?? 0,
    responseCacheHit: record.responseCacheHit === true ? 1 : 0,
    responseCacheSavedUsd: record.responseCacheSavedUsd ?? 0,
    endUser: record.endUser ?? null,
  };
}
