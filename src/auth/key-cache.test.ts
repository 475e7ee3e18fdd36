import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createAccountsService } from './accounts-service.js';
import { generateApiKey } from './api-key.js';
import { KeyCache } from './key-cache.js';
import { createKeysService, type KeysService } from './keys-service.js';

/** Waits for a condition without asserting how long it takes; gives up after `limitMs`. */
async function eventually(condition: () => boolean, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

await describeEachDialect('KeyCache', (dialect) => {
  let temp: TempStore;
  let cache: KeyCache;
  let keys: KeysService;
  let accountId: string;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    cache = new KeyCache(temp.store);
    keys = createKeysService({ db: temp.store.db, onChange: () => cache.invalidate() });
    const account = await createAccountsService({ db: temp.store.db }).createAccount({
      email: 'cache@example.com',
      plan: 'pro',
    });
    accountId = account.id;
  });
  afterEach(async () => {
    cache.stop();
    await temp.cleanup();
  });

  it('finds an active key by its secret and carries what admission needs', async () => {
    const { id, secret } = await keys.createKey({ accountId, routing: 'latency', spendCapUsd: 3 });
    assert.deepEqual(cache.lookup(secret), {
      keyId: id,
      accountId,
      plan: 'pro',
      defaultRouting: 'latency',
      defaultProvider: null,
      keySpendCapUsd: 3,
      accountSpendCapUsd: null,
      limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
    });
    assert.equal(cache.size, 1);
    assert.equal(cache.lookup(generateApiKey()), undefined);
    assert.equal(cache.lookup('not a key'), undefined);
  });

  it('drops a key revoked in the same process once invalidated', async () => {
    const { id, secret } = await keys.createKey({ accountId });
    assert.ok(cache.lookup(secret));
    await keys.revokeKey(id);
    assert.equal(cache.lookup(secret), undefined);
  });

  it('answers lookups from memory alone', async () => {
    const { secret } = await keys.createKey({ accountId });
    await temp.store.close();
    assert.equal(cache.lookup(secret)?.accountId, accountId);
  });

  describe('watching another connection', () => {
    let other: Store;
    let otherKeys: KeysService;
    beforeEach(async () => {
      other = temp.openAnother();
      otherKeys = createKeysService({ db: other.db });
      await cache.refresh();
      cache.startWatching(20);
    });
    afterEach(async () => {
      await other.close();
    });

    it('honours a key created elsewhere and refuses it once revoked elsewhere', async () => {
      const { id, secret } = await otherKeys.createKey({ email: 'cache@example.com' });
      await eventually(() => cache.lookup(secret) !== undefined);
      await otherKeys.revokeKey(id);
      await eventually(() => cache.lookup(secret) === undefined);
    });

    it('refuses the old secret and honours the new one after a rotation elsewhere', async () => {
      const old = await otherKeys.createKey({ accountId });
      await eventually(() => cache.lookup(old.secret) !== undefined);
      const rotated = await otherKeys.rotateKey(old.id);
      await eventually(() => cache.lookup(old.secret) === undefined && cache.lookup(rotated.secret) !== undefined);
    });
  });

  it('reports background reload failures and keeps the last table', async () => {
    const { secret } = await keys.createKey({ accountId });
    const errors: unknown[] = [];
    const broken = new KeyCache(
      {
        db: temp.store.db,
        dataVersion: () => {
          throw new Error('boom');
        },
      },
      { onError: (error) => errors.push(error) },
    );
    await assert.rejects(broken.refresh(), /boom/);
    broken.startWatching(5);
    await eventually(() => errors.length > 0);
    broken.stop();
    assert.equal(cache.lookup(secret)?.accountId, accountId);
  });

  it('keeps a rotated key working through its grace period and refuses it from the moment it ends', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clockedCache = new KeyCache(temp.store, { now: () => now });
    const clockedKeys = createKeysService({ db: temp.store.db, now: () => new Date(now), onChange: () => clockedCache.invalidate() });
    const old = await clockedKeys.createKey({ accountId });
    const rotated = await clockedKeys.rotateKey(old.id, {}, { graceSeconds: 60 });
    assert.equal(clockedCache.lookup(old.secret)?.keyId, old.id);
    assert.equal(clockedCache.lookup(rotated.secret)?.keyId, rotated.id);
    now += 59_999;
    assert.ok(clockedCache.lookup(old.secret));
    now += 1;
    assert.equal(clockedCache.lookup(old.secret), undefined);
    await clockedCache.refresh();
    assert.equal(clockedCache.lookup(old.secret), undefined);
    assert.equal(clockedCache.size, 1);
  });
});
