import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { Client } from 'pg';
import { migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { createPostgresStore } from './postgres-store.js';
import { listUsageLog } from './repositories/usage-reports.js';
import { describeEachDialect, describeWithPostgres, openTempPostgresStore, TEST_DATABASE_URL, type TempStore } from './testing.js';

await describeEachDialect('migrateToLatest', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore({ migrate: false });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  /** The store's tables (on PostgreSQL only its own schema's: see postgres-introspector.ts). */
  async function tables() {
    return temp.store.db.introspection.getTables();
  }

  /** Names of the secondary indexes on `table`, sorted. */
  async function indexNames(table: string): Promise<string[]> {
    const query =
      dialect.name === 'sqlite'
        ? sql<{ name: string }>`
            select name from sqlite_master where type = 'index' and tbl_name = ${table} and name not like 'sqlite_%'
            order by name`
        : sql<{ name: string }>`
            select indexname as name from pg_indexes
            where schemaname = current_schema() and tablename = ${table} and indexname not like '%_pkey'
            order by indexname`;
    return (await query.execute(temp.store.db)).rows.map((row) => row.name);
  }

  it('creates accounts and api_keys with their columns and index', async () => {
    const report = await migrateToLatest(temp.store.db);
    assert.deepEqual(report.applied, Object.keys(MIGRATIONS));

    const all = await tables();
    const columns = (name: string): string[] => all.find((table) => table.name === name)?.columns.map((column) => column.name) ?? [];
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
      'allowed_models',
      'budget_period',
      'budget_usd',
      'created_at',
      'default_provider',
      'default_routing',
      'expires_at',
      'id',
      'key_hash',
      'last4',
      'last_used_at',
      'name',
      'response_cache_ttl_s',
      'revoked_at',
      'rotated_from',
      'rpm_limit',
      'spend_cap_usd',
      'tpm_limit',
    ]);
    assert.ok((await indexNames('api_keys')).includes('api_keys_account_id_idx'));
  });

  it('creates the usage ledger with its columns and chart indexes', async () => {
    await migrateToLatest(temp.store.db);
    const usage = (await tables()).find((table) => table.name === 'usage');
    assert.deepEqual(usage?.columns.map((column) => column.name).sort(), [
      'account_id',
      'byok',
      'cache_read_tokens',
      'cache_write_tokens',
      'completion_tokens',
      'cost_usd',
      'created_at',
      'end_user',
      'endpoint',
      'error_code',
      'id',
      'key_id',
      'latency_ms',
      'prompt_tokens',
      'provider',
      'request_id',
      'requested_model',
      'response_cache_hit',
      'response_cache_saved_usd',
      'routed_model',
      'status',
      'stream',
      'ttft_ms',
      'usage_estimated',
    ]);
    const nullable = usage?.columns
      .filter((column) => column.isNullable)
      .map((column) => column.name)
      .sort();
    assert.deepEqual(nullable, ['end_user', 'error_code', 'provider', 'routed_model', 'ttft_ms']);
    assert.deepEqual(await indexNames('usage'), [
      'usage_account_created_idx',
      'usage_account_end_user_idx',
      'usage_created_idx',
      'usage_key_created_idx',
      'usage_request_idx',
    ]);
  });

  it('0005 gives ledger rows written before it the endpoint chat.completions and reported (not estimated) usage', async () => {
    const migrator = new Migrator({
      db: temp.store.db,
      provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
      ...(temp.schema === undefined ? {} : { migrationTableSchema: temp.schema }),
    });
    const before = await migrator.migrateTo('0004-change-notifications');
    assert.equal(before.error, undefined);
    await sql`
      insert into usage (id, request_id, account_id, key_id, requested_model, routed_model, provider, byok,
        prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_code, stream, created_at)
      values ('usage_old', 'req_old', 'acct_a', 'key_a', 'gpt-4o-mini', 'gpt-4o-mini', 'openai', 0,
        12, 3, 0.0001, 250, 90, 200, null, 1, '2025-06-01T00:00:00.000Z')`.execute(temp.store.db);

    const after0004 = Object.keys(MIGRATIONS).filter((name) => name > '0004-change-notifications');
    assert.deepEqual((await migrateToLatest(temp.store.db)).applied, after0004);
    const [old] = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
    assert.equal(old?.id, 'usage_old');
    assert.equal(old?.endpoint, 'chat.completions');
    assert.equal(old?.estimated, false);
    assert.equal(old?.promptTokens, 12);
    assert.equal(old?.stream, true);
  });

  it('0007 gives ledger rows written before it no prompt cache tokens', async () => {
    const migrator = new Migrator({
      db: temp.store.db,
      provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
      ...(temp.schema === undefined ? {} : { migrationTableSchema: temp.schema }),
    });
    assert.equal((await migrator.migrateTo('0006-stored-responses')).error, undefined);
    await sql`
      insert into usage (id, request_id, account_id, key_id, requested_model, routed_model, provider, byok,
        prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_code, stream, created_at, endpoint)
      values ('usage_old', 'req_old', 'acct_a', 'key_a', 'claude-haiku-4.5', 'claude-haiku-4.5', 'anthropic', 0,
        900, 3, 0.0001, 250, 90, 200, null, 0, '2025-06-01T00:00:00.000Z', 'messages')`.execute(temp.store.db);

    const after0006 = Object.keys(MIGRATIONS).filter((name) => name > '0006-stored-responses');
    assert.deepEqual((await migrateToLatest(temp.store.db)).applied, after0006);
    const [old] = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
    assert.equal(old?.promptTokens, 900);
    assert.equal(old?.cacheReadTokens, 0);
    assert.equal(old?.cacheWriteTokens, 0);
  });

  it('0008 gives ledger rows written before it no response cache hit, and keys no default cache lifetime', async () => {
    const migrator = new Migrator({
      db: temp.store.db,
      provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
      ...(temp.schema === undefined ? {} : { migrationTableSchema: temp.schema }),
    });
    assert.equal((await migrator.migrateTo('0007-usage-cache-tokens')).error, undefined);
    await sql`
      insert into usage (id, request_id, account_id, key_id, requested_model, routed_model, provider, byok,
        prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_code, stream, created_at)
      values ('usage_old', 'req_old', 'acct_a', 'key_a', 'gpt-4o-mini', 'gpt-4o-mini', 'openai', 0,
        12, 3, 0.0001, 250, 90, 200, null, 0, '2025-06-01T00:00:00.000Z')`.execute(temp.store.db);
    await sql`
      insert into accounts (id, email, created_at) values ('acct_a', 'old@example.com', '2025-06-01T00:00:00.000Z')`.execute(temp.store.db);
    await sql`
      insert into api_keys (id, account_id, name, key_hash, last4, created_at)
      values ('key_a', 'acct_a', 'old', 'hash', 'abcd', '2025-06-01T00:00:00.000Z')`.execute(temp.store.db);

    const after0007 = Object.keys(MIGRATIONS).filter((name) => name > '0007-usage-cache-tokens');
    assert.deepEqual((await migrateToLatest(temp.store.db)).applied, after0007);
    const [old] = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
    assert.equal(old?.responseCacheHit, false);
    assert.equal(old?.responseCacheSavedUsd, 0);
    const key = await temp.store.db.selectFrom('apiKeys').select('responseCacheTtlS').executeTakeFirstOrThrow();
    assert.equal(key.responseCacheTtlS, null);
  });

  it('is idempotent', async () => {
    await migrateToLatest(temp.store.db);
    const second = await migrateToLatest(temp.store.db);
    assert.deepEqual(second.applied, []);
  });
});

await describeWithPostgres('migrateToLatest [postgres, several instances]', () => {
  it('lets instances starting together migrate one fresh schema: one applies everything, the others nothing', async () => {
    const temp = await openTempPostgresStore({ migrate: false });
    const stores = Array.from({ length: 4 }, () => createPostgresStore({ url: TEST_DATABASE_URL, schema: temp.schema, poolSize: 2 }));
    try {
      const reports = await Promise.all(stores.map((store) => migrateToLatest(store.db)));
      const applied = reports.map((report) => report.applied.length).sort();
      assert.deepEqual(applied, [0, 0, 0, Object.keys(MIGRATIONS).length]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await temp.cleanup();
    }
  });

  it("migrates a schema of its own even when another schema of the database holds Kysely's tables", async () => {
    const first = await openTempPostgresStore();
    const second = await openTempPostgresStore({ migrate: false });
    try {
      assert.deepEqual((await migrateToLatest(second.store.db)).applied, Object.keys(MIGRATIONS));
      const { rows } = await sql<{ schema: string }>`
        select table_schema as schema from information_schema.tables where table_name = 'kysely_migration'
        and table_schema in (${first.schema}, ${second.schema}) order by table_schema`.execute(second.store.db);
      assert.deepEqual(
        rows.map((row) => row.schema),
        [first.schema, second.schema].sort(),
      );
    } finally {
      await first.cleanup();
      await second.cleanup();
    }
  });

  it("introspects only its own schema, with its columns, and lists Kysely's tables only when asked", async () => {
    const first = await openTempPostgresStore();
    const second = await openTempPostgresStore();
    try {
      const own = await second.store.db.introspection.getTables();
      assert.deepEqual([...new Set(own.map((table) => table.schema))], [second.schema]);
      assert.deepEqual(own.map((table) => table.name).sort(), [
        'accounts',
        'api_keys',
        'provider_credentials',
        'sessions',
        'stored_response_items',
        'stored_response_usage',
        'stored_responses',
        'usage',
      ]);
      const email = own.find((table) => table.name === 'accounts')?.columns.find((column) => column.name === 'email');
      assert.deepEqual(email, {
        name: 'email',
        dataType: 'text',
        dataTypeSchema: 'pg_catalog',
        isNullable: false,
        isAutoIncrementing: false,
        hasDefaultValue: false,
      });
      const withInternal = await second.store.db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(withInternal.some((table) => table.name === 'kysely_migration' && table.schema === second.schema));
    } finally {
      await first.cleanup();
      await second.cleanup();
    }
  });

  it('migrates while other sessions create and drop schemas of the same database', async () => {
    // Regression: Kysely's introspector read every schema and failed with `schema "…" does not exist` when one was
    // dropped mid-query, about one migrator run in four under this churn (parallel test files did the same).
    const temp = await openTempPostgresStore();
    const churner = new Client({ connectionString: TEST_DATABASE_URL });
    await churner.connect();
    let stop = false;
    const churn = (async () => {
      while (!stop) {
        const schema = `op_churn_${randomBytes(6).toString('hex')}`;
        await churner.query(`create schema ${schema}; create table ${schema}.t (id serial primary key)`);
        await churner.query(`drop schema ${schema} cascade`);
      }
    })();
    try {
      for (let run = 0; run < 40; run += 1) assert.deepEqual((await migrateToLatest(temp.store.db)).applied, []);
    } finally {
      stop = true;
      await churn;
      await churner.end();
      await temp.cleanup();
    }
  });
});
