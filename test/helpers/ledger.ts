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
  error_code: string | null;
  requested_model: string;
  routed_model: string | null;
  byok: number;
  stream: number;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  usage_estimated: number;
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
        'error_code',
        'requested_model',
        'routed_model',
        'byok',
        'stream',
        'prompt_tokens',
        'completion_tokens',
        'cache_read_tokens',
        'cache_write_tokens',
        'cost_usd',
        'usage_estimated',
      ])
      .where('account_id', '=', accountId)
      .execute();
    if (rows.length >= count || Date.now() > deadline) {
      return rows.map((row) => ({
        ...row,
        status: Number(row.status),
        byok: Number(row.byok),
        stream: Number(row.stream),
        prompt_tokens: Number(row.prompt_tokens),
        completion_tokens: Number(row.completion_tokens),
        cache_read_tokens: Number(row.cache_read_tokens),
        cache_write_tokens: Number(row.cache_write_tokens),
        cost_usd: Number(row.cost_usd),
        usage_estimated: Number(row.usage_estimated),
      }));
    }
    await sleep(20);
  }
}
