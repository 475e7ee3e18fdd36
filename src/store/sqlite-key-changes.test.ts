import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { KeyChange } from './key-change-feed.js';
import { KEPT_KEY_CHANGES } from './migrations/0010-key-change-notices.js';
import { updateAccountLimits } from './repositories/accounts.js';
import { revokeApiKey } from './repositories/api-keys.js';
import type { Store } from './store.js';
import { openTempStore, seedKey, type TempStore } from './testing.js';

describe('SQLite key changes (the key_changes log)', () => {
  let temp: TempStore;
  let other: Store;
  let changes: KeyChange[];
  let stop: () => void;
  beforeEach(async () => {
    temp = await openTempStore();
    await seedKey(temp.store, 'key_before');
    other = temp.openAnother();
    changes = [];
    stop = await temp.store.keyChanges.listen((change) => changes.push(change));
  });
  afterEach(async () => {
    stop();
    await other.close();
    await temp.cleanup();
  });

  it("delivers another connection's writes from where listening started, and says when some are waiting", async () => {
    assert.equal(temp.store.keyChanges.mayBeBehind(), false);
    await seedKey(other, 'key_a');
    await revokeApiKey(other.db, 'key_a', '2025-02-01T00:00:00.000Z');
    await updateAccountLimits(other.db, 'acct_key_a', { plan: 'pro' });
    assert.equal(temp.store.keyChanges.mayBeBehind(), true, 'data_version moved');
    await temp.store.keyChanges.catchUp();
    assert.equal(temp.store.keyChanges.mayBeBehind(), false);
    assert.deepEqual(changes, [
      { kind: 'keys', keyHashes: ['hash_key_a'] },
      { kind: 'accounts', accountIds: ['acct_key_a'] },
    ]);
    await temp.store.keyChanges.catchUp();
    assert.equal(changes.length, 2, 'each change once');
  });

  it("delivers this connection's own writes on catch-up, which data_version does not report", async () => {
    await revokeApiKey(temp.store.db, 'key_before', '2025-02-01T00:00:00.000Z');
    assert.equal(temp.store.keyChanges.mayBeBehind(), false);
    await temp.store.keyChanges.catchUp();
    assert.deepEqual(changes, [{ kind: 'keys', keyHashes: ['hash_key_before'] }]);
  });

  it('keeps only its last rows, and a reader left behind by the trimming gets `all`', async () => {
    await sql`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${KEPT_KEY_CHANGES + 1})
      insert into key_changes (key_hash) select 'h' || i from n`.execute(other.db);
    const { count } = await other.db
      .selectFrom('keyChanges')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count), KEPT_KEY_CHANGES);
    await temp.store.keyChanges.catchUp();
    assert.deepEqual(changes, [{ kind: 'all' }]);
    await seedKey(other, 'key_next');
    await temp.store.keyChanges.catchUp();
    assert.deepEqual(changes.at(-1), { kind: 'keys', keyHashes: ['hash_key_next'] });
  });
});
