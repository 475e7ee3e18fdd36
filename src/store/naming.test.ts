/**
 * The naming plugin: every table and column the migrations create (on both dialects) maps to a TypeScript name that
 * maps back to it, so none is out of reach of the typed queries; aliases come back under the name they were given.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { naming } from './naming.js';
import { describeEachDialect, type TempStore } from './testing.js';

describe('naming', () => {
  it('maps the names with digits as the schema spells them', () => {
    assert.equal(naming.sqlName('last4'), 'last4');
    assert.equal(naming.tsName('last4'), 'last4');
    assert.equal(naming.sqlName('responseCacheTtlS'), 'response_cache_ttl_s');
    assert.equal(naming.tsName('response_cache_ttl_s'), 'responseCacheTtlS');
  });
});

await describeEachDialect('naming plugin', (dialect) => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('maps every table and column of the migrated schema to a camelCase name and back', async () => {
    // Introspection runs without plugins: these are the names in SQL.
    const tables = await temp.store.db.introspection.getTables();
    const names = tables.flatMap((table) => [table.name, ...table.columns.map((column) => column.name)]);
    assert.ok(names.includes('api_keys') && names.includes('cache_write_tokens') && names.includes('last4'));
    assert.deepEqual(
      names.filter((name) => naming.sqlName(naming.tsName(name)) !== name),
      [],
    );
  });

  it('reads an alias under the camelCase name it was given', async () => {
    const row = await temp.store.db
      .selectFrom('apiKeys')
      .select((eb) => eb.fn.countAll<number>().as('keyCount'))
      .executeTakeFirstOrThrow();
    assert.deepEqual(Object.keys(row), ['keyCount']);
  });
});
