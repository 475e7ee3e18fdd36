import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { openTempStore, type TempStore } from './testing.js';

describe('migrateToLatest', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore({ migrate: false });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates accounts and api_keys with their columns and index', async () => {
    const report = await migrateToLatest(temp.store.db);
    assert.deepEqual(report.applied, Object.keys(MIGRATIONS));

    const tables = await temp.store.db.introspection.getTables();
    const columns = (name: string): string[] =>
      tables.find((table) => table.name === name)?.columns.map((column) => column.name) ?? [];
    assert.deepEqual(columns('accounts').sort(), [
      'concurrent_limit',
      'created_at',
      'email',
      'id',
      'included_tokens',
      'monthly_spend_cap_usd',
      'password_hash',
      'plan',
      'rpm_limit',
      'tpm_limit',
    ]);
    assert.deepEqual(columns('api_keys').sort(), [
      'account_id',
      'created_at',
      'default_routing',
      'id',
      'key_hash',
      'last4',
      'last_used_at',
      'name',
      'revoked_at',
      'rotated_from',
      'spend_cap_usd',
    ]);
  });

  it('creates the usage ledger with its columns and chart indexes', async () => {
    await migrateToLatest(temp.store.db);
    const tables = await temp.store.db.introspection.getTables();
    const usage = tables.find((table) => table.name === 'usage');
    assert.deepEqual(usage?.columns.map((column) => column.name).sort(), [
      'account_id',
      'byok',
      'completion_tokens',
      'cost_usd',
      'created_at',
      'error_code',
      'id',
      'key_id',
      'latency_ms',
      'prompt_tokens',
      'provider',
      'request_id',
      'requested_model',
      'routed_model',
      'status',
      'stream',
      'ttft_ms',
    ]);
    const nullable = usage?.columns.filter((column) => column.isNullable).map((column) => column.name).sort();
    assert.deepEqual(nullable, ['error_code', 'provider', 'routed_model', 'ttft_ms']);
    const indexes = await sql<{ name: string }>`
      select name from sqlite_master where type = 'index' and tbl_name = 'usage' and name not like 'sqlite_%'
      order by name`.execute(temp.store.db);
    assert.deepEqual(
      indexes.rows.map((index) => index.name),
      ['usage_account_created_idx', 'usage_created_idx', 'usage_key_created_idx'],
    );
  });

  it('is idempotent', async () => {
    await migrateToLatest(temp.store.db);
    const second = await migrateToLatest(temp.store.db);
    assert.deepEqual(second.applied, []);
  });
});
