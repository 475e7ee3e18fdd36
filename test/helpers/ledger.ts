/**
 * The ledger as integration tests read it: an account's usage rows, waiting until as many as expected are written (a
 * row is recorded once its request has settled, which may be after the client has its answer: for an aborted
 * stream, or after a Redis round trip in the shared leg).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Selectable } from 'kysely';
import type { UsageTable } from '../../src/store/index.js';
import type { TestGateway } from './gateway.js';

/** One ledger row as stored: every column, numbers as numbers on both dialects (integers and doubles). */
export type LedgerRow = Selectable<UsageTable>;

/** Narrows the account's rows to one key's or one request's. */
export interface LedgerFilter {
  keyId?: string;
  requestId?: string;
}

/** How long to wait for rows that are still being written; only a failing test waits this long. */
const WAIT_MS = 15_000;

/**
 * The account's ledger rows (only `filter`'s, if given), oldest first, once `count` are written, or what there is
 * after 15 s. Flushes the gateway's ledger writer before each look.
 */
export async function ledgerRows(
  gw: Pick<TestGateway, 'store' | 'ledger'>,
  accountId: string,
  count: number,
  filter: LedgerFilter = {},
): Promise<LedgerRow[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await gw.ledger.flush();
    let query = gw.store.db.selectFrom('usage').selectAll().where('accountId', '=', accountId);
    if (filter.keyId !== undefined) query = query.where('keyId', '=', filter.keyId);
    if (filter.requestId !== undefined) query = query.where('requestId', '=', filter.requestId);
    const rows = await query.orderBy('createdAt').orderBy('id').execute();
    if (rows.length >= count || Date.now() > deadline) return rows;
    await sleep(20);
  }
}
