/**
 * @module Reading and writing the Responses API's conversation store: `stored_responses`, their items, and each
 * account's stored bytes in `stored_response_usage`. JSON stays text at this layer; the conversation service
 * (`conversation/response-store.ts`) encodes, decodes and sizes it, and decides what is expired.
 *
 * Every read takes a {@link LiveScope}: one account's rows created after a cutoff. Rows of another account and rows
 * past their retention are invisible alike, so a caller cannot tell "someone else's" from "unknown" or "expired".
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, StoredItemDirection, StoredResponseItemsTable, StoredResponsesTable } from '../database.js';

/**
 * One input or output item of a stored response, its JSON as text: its `stored_response_items` row without the
 * columns it takes from its response (`responseId`, `accountId`).
 */
export type StoredItemRow = Omit<Selectable<StoredResponseItemsTable>, 'responseId' | 'accountId'>;

/** A stored response as written and read back, its JSON as text: its `stored_responses` row and its items. */
export type StoredResponseRow = Selectable<StoredResponsesTable> & {
  /** Input items then output items, each list in order. */
  items: StoredItemRow[];
};

/** The rows a read may see: one account's, created after `liveAfter` (older ones are past their retention). */
export interface LiveScope {
  accountId: string;
  /** ISO-8601 UTC; rows created at or before it are expired. */
  liveAfter: string;
}

/** One item of a conversation (or a response without items), read along a `previous_response_id` chain. */
export interface ChainItemRow<T> {
  responseId: string;
  /** The link to follow next; non-null on the oldest row read means the chain is broken there. */
  previousResponseId: string | null;
  /** 0 for the response the chain was read from, 1 for the one it continued, … */
  depth: number;
  /** Null for a response that has no items (still listed, so its link is seen). */
  item: { direction: StoredItemDirection; position: number; value: T } | null;
}

/** Where one item is stored. */
export interface StoredItemKey {
  responseId: string;
  direction: StoredItemDirection;
  position: number;
}

/** Rows per INSERT and ids per IN list: far below SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500;

/**
 * Stores a response and its items if the account's stored bytes stay within `capBytes`, in one transaction (inside
 * the caller's, if `db` is one): the bytes are reserved first with one conditional upsert, which also serializes
 * concurrent writers of one account, so two instances cannot both take the last bytes. False, with nothing written,
 * when they would not fit.
 */
export async function insertStoredResponse(db: Kysely<Database>, response: StoredResponseRow, capBytes: number): Promise<boolean> {
  const write = async (trx: Kysely<Database>): Promise<boolean> => {
    if (!(await reserveBytes(trx, response.accountId, response.bytes, capBytes))) return false;
    const { items, ...row } = response;
    await trx.insertInto('storedResponses').values(row).execute();
    for (let start = 0; start < items.length; start += BATCH) {
      const rows = items.slice(start, start + BATCH).map((item) => ({ ...item, responseId: response.id, accountId: response.accountId }));
      await trx.insertInto('storedResponseItems').values(rows).execute();
    }
    return true;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** The bytes an account's stored responses (expired ones not yet purged included) count against its cap. */
export async function storedResponseBytes(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db.selectFrom('storedResponseUsage').select('bytes').where('accountId', '=', accountId).executeTakeFirst();
  return row?.bytes ?? 0;
}

/** A live stored response of the account, with its items; undefined otherwise. */
export async function findStoredResponse(db: Kysely<Database>, scope: LiveScope, id: string): Promise<StoredResponseRow | undefined> {
  const row = await db
    .selectFrom('storedResponses')
    .selectAll()
    .where('id', '=', id)
    .where('accountId', '=', scope.accountId)
    .where('createdAt', '>', scope.liveAfter)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const items = await db
    .selectFrom('storedResponseItems')
    .select(['direction', 'position', 'itemId', 'item'])
    .where('responseId', '=', id)
    .orderBy('direction')
    .orderBy('position')
    .execute();
  return { ...row, items };
}

/**
 * The items of response `id` and of every live response of the account it continues, following
 * `previous_response_id` at most `maxDepth` links: oldest response first, each one's input items then its output
 * items. One recursive statement, so the chain is read as of one moment.
 */
export async function loadChainItems(db: Kysely<Database>, scope: LiveScope, id: string, maxDepth: number): Promise<ChainItemRow<string>[]> {
  const rows = await chainWithItems(db, scope, id, maxDepth).select('i.item as value').execute();
  return rows.map((row) => toChainRow(row, row.value));
}

/** As {@link loadChainItems}, with each item's id in place of its JSON (to page through a long conversation). */
export async function loadChainItemIds(db: Kysely<Database>, scope: LiveScope, id: string, maxDepth: number): Promise<ChainItemRow<string | null>[]> {
  const rows = await chainWithItems(db, scope, id, maxDepth).select('i.itemId as value').execute();
  return rows.map((row) => toChainRow(row, row.value));
}

/** The JSON of the items at these places (absent from the answer when no longer stored), in no particular order. */
export async function findItemsAt(db: Kysely<Database>, keys: readonly StoredItemKey[]): Promise<(StoredItemKey & { item: string })[]> {
  const found: (StoredItemKey & { item: string })[] = [];
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    const rows = await db
      .selectFrom('storedResponseItems')
      .select(['responseId', 'direction', 'position', 'item'])
      .where((eb) =>
        eb.or(
          batch.map((key) => eb.and([eb('responseId', '=', key.responseId), eb('direction', '=', key.direction), eb('position', '=', key.position)])),
        ),
      )
      .execute();
    found.push(...rows);
  }
  return found;
}

/**
 * The live items of the account that have one of these ids, oldest response first (an id the client reused in
 * several responses appears once per response).
 */
export async function findItemsById(db: Kysely<Database>, scope: LiveScope, ids: readonly string[]): Promise<{ itemId: string; item: string }[]> {
  const unique = [...new Set(ids)];
  const found: { itemId: string; item: string }[] = [];
  for (let start = 0; start < unique.length; start += BATCH) {
    const rows = await db
      .selectFrom('storedResponseItems as i')
      .innerJoin('storedResponses as r', 'r.id', 'i.responseId')
      .select(['i.itemId', 'i.item'])
      .where('i.accountId', '=', scope.accountId)
      .where('i.itemId', 'in', unique.slice(start, start + BATCH))
      .where('r.createdAt', '>', scope.liveAfter)
      .orderBy('r.createdAt')
      .orderBy('i.responseId')
      .orderBy('i.direction')
      .orderBy('i.position')
      .execute();
    for (const { itemId, item } of rows) if (itemId !== null) found.push({ itemId, item });
  }
  return found;
}

/** Deletes a live stored response of the account (its items go with it) and frees its bytes; false when none. */
export async function deleteStoredResponse(db: Kysely<Database>, scope: LiveScope, id: string): Promise<boolean> {
  const write = async (trx: Kysely<Database>): Promise<boolean> => {
    const row = await trx
      .deleteFrom('storedResponses')
      .where('id', '=', id)
      .where('accountId', '=', scope.accountId)
      .where('createdAt', '>', scope.liveAfter)
      .returning('bytes')
      .executeTakeFirst();
    if (row === undefined) return false;
    await releaseBytes(trx, scope.accountId, row.bytes);
    return true;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** Which expired responses {@link deleteStoredResponsesUpTo} deletes. */
export interface PurgeScope {
  /** ISO-8601 UTC: responses created at or before it go. */
  createdUpTo: string;
  /** Only this account's; omitted: every account's. */
  accountId?: string;
}

/**
 * Deletes the responses created up to the cutoff, with their items, freeing their bytes; returns how many went. Works
 * in short transactions of a few hundred responses, so a large purge never holds a long lock; instances purging at
 * once each free only the rows their own DELETE removed, so the byte counts stay exact.
 */
export async function deleteStoredResponsesUpTo(db: Kysely<Database>, purge: PurgeScope): Promise<number> {
  let total = 0;
  for (;;) {
    const { selected, deleted } = await db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('storedResponses').select('id').where('createdAt', '<=', purge.createdUpTo);
      if (purge.accountId !== undefined) query = query.where('accountId', '=', purge.accountId);
      const ids = (await query.limit(BATCH).execute()).map((row) => row.id);
      if (ids.length === 0) return { selected: 0, deleted: 0 };
      const rows = await trx
        .deleteFrom('storedResponses')
        .where('id', 'in', ids)
        .where('createdAt', '<=', purge.createdUpTo)
        .returning(['accountId', 'bytes'])
        .execute();
      const freed = new Map<string, number>();
      for (const row of rows) freed.set(row.accountId, (freed.get(row.accountId) ?? 0) + row.bytes);
      for (const [accountId, bytes] of freed) await releaseBytes(trx, accountId, bytes);
      return { selected: ids.length, deleted: rows.length };
    });
    total += deleted;
    if (selected < BATCH) return total;
  }
}

/**
 * Adds `bytes` to the account's stored bytes unless that would pass `capBytes`; true when added. One statement: an
 * upsert whose update only applies under the cap (on SQLite inside the transaction's write lock, on PostgreSQL under
 * the row lock the upsert takes).
 */
async function reserveBytes(trx: Kysely<Database>, accountId: string, bytes: number, capBytes: number): Promise<boolean> {
  if (bytes > capBytes) return false;
  const row = await trx
    .insertInto('storedResponseUsage')
    .values({ accountId, bytes })
    .onConflict((conflict) =>
      conflict
        .column('accountId')
        .doUpdateSet({ bytes: sql<number>`stored_response_usage.bytes + excluded.bytes` })
        .where(sql<boolean>`stored_response_usage.bytes + excluded.bytes <= ${capBytes}`),
    )
    .returning('bytes')
    .executeTakeFirst();
  return row !== undefined;
}

async function releaseBytes(trx: Kysely<Database>, accountId: string, bytes: number): Promise<void> {
  await trx
    .updateTable('storedResponseUsage')
    .set((eb) => ({ bytes: eb('bytes', '-', bytes) }))
    .where('accountId', '=', accountId)
    .execute();
}

/**
 * `chain(id, previousId, depth)`: response `id` (depth 0) and each live response of the account it continues, up
 * to `maxDepth` links, joined to their items (a response without items still gives one row). The depth bound also
 * ends the walk should rows ever form a cycle.
 */
function chainWithItems(db: Kysely<Database>, scope: LiveScope, id: string, maxDepth: number) {
  return db
    .withRecursive('chain(id, previousId, depth)', (start) =>
      start
        .selectFrom('storedResponses')
        .select(['id', 'previousResponseId as previousId', sql<number>`0`.as('depth')])
        .where('id', '=', id)
        .where('accountId', '=', scope.accountId)
        .where('createdAt', '>', scope.liveAfter)
        .unionAll((next) =>
          next
            .selectFrom('storedResponses as r')
            .innerJoin('chain as c', 'c.previousId', 'r.id')
            .select(['r.id', 'r.previousResponseId as previousId', sql<number>`c.depth + 1`.as('depth')])
            .where('r.accountId', '=', scope.accountId)
            .where('r.createdAt', '>', scope.liveAfter)
            .where('c.depth', '<', maxDepth),
        ),
    )
    .selectFrom('chain as c')
    .leftJoin('storedResponseItems as i', 'i.responseId', 'c.id')
    .select(['c.id', 'c.previousId', 'c.depth', 'i.direction', 'i.position'])
    .orderBy('c.depth', 'desc')
    .orderBy('i.direction')
    .orderBy('i.position');
}

interface ChainRowColumns {
  id: string;
  previousId: string | null;
  depth: number;
  direction: StoredItemDirection | null;
  position: number | null;
}

function toChainRow<T>(row: ChainRowColumns, value: T | null): ChainItemRow<T> {
  const { direction, position } = row;
  const item = direction === null || position === null ? null : { direction, position, value: value as T };
  return { responseId: row.id, previousResponseId: row.previousId, depth: Number(row.depth), item };
}
