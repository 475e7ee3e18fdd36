/**
 * What the Messages door's integration tests share: an `@anthropic-ai/sdk` client on the test gateway, the ledger
 * rows of an account, and the error a call was refused with.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { TestGateway } from './gateway.js';

/** An Anthropic SDK client on the gateway (`x-api-key`), without retries. */
export function anthropicClient(gw: TestGateway, apiKey: string = gw.apiKey): Anthropic {
  return new Anthropic({ apiKey, baseURL: gw.url, maxRetries: 0 });
}

/** One ledger row, as the tests read it. */
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
}

/** The account's ledger rows once `count` are written (a row is recorded after the answer has gone out). */
export async function rowsFor(gw: TestGateway, accountId: string, count: number): Promise<LedgerRow[]> {
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
      }));
    }
  }
}

/** The SDK error `promise` rejected with (fails the test when it resolved). */
export async function anthropicError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof Anthropic.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

/** A 1×1 PNG. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
