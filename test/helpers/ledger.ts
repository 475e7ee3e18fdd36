/**
 * The ledger as integration tests read it: an account's usage rows, waiting until as many as expected are written (a
 * row is recorded once its request has settled, which may be after the client has its answer).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestGateway } from './gateway.js';

/** One ledger row, numbers as numbers whatever the database returned. */
export interface LedgerRow {
  endpoint: string;
  status: number;
  errorCode: string | null;
  requestedModel: string;
  routedModel: string | null;
  byok: number;
  stream: number;
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  usageEstimated: number;
}

/** The account's ledger rows once `count` are written, or what there is after 5 s. */
export async function ledgerRows(gw: TestGateway, accountId: string, count: number): Promise<LedgerRow[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    await gw.ledger.flush();
    const rows = await gw.store.db
      .selectFrom('usage')
      .select([
        'endpoint',
        'status',
        'errorCode',
        'requestedModel',
        'routedModel',
        'byok',
        'stream',
        'promptTokens',
        'completionTokens',
        'cacheReadTokens',
        'cacheWriteTokens',
        'costUsd',
        'usageEstimated',
      ])
      .where('accountId', '=', accountId)
      .execute();
    if (rows.length >= count || Date.now() > deadline) {
      return rows.map((row) => ({
        ...row,
        status: Number(row.status),
        byok: Number(row.byok),
        stream: Number(row.stream),
        promptTokens: Number(row.promptTokens),
        completionTokens: Number(row.completionTokens),
        cacheReadTokens: Number(row.cacheReadTokens),
        cacheWriteTokens: Number(row.cacheWriteTokens),
        costUsd: Number(row.costUsd),
        usageEstimated: Number(row.usageEstimated),
      }));
    }
    await sleep(20);
  }
}
