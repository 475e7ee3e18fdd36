import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
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

  it('is idempotent', async () => {
    await migrateToLatest(temp.store.db);
    const second = await migrateToLatest(temp.store.db);
    assert.deepEqual(second.applied, []);
  });
});
