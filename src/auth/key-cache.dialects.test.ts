/**
 * The key cache on real stores, SQLite and PostgreSQL: keys written by this process (through the services, which
 * call `invalidate()`) and by another connection, as the CLI or another instance would, with the change notices of
 * migration 0010. The cache's own rules against a fake store are in `key-cache.test.ts`.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createAccountsService } from './accounts-service.js';
import { generateApiKey } from './api-key.js';
import { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import { keySourceOf } from './key-source.js';
import { createKeysService, type KeysService } from './keys-service.js';

/** Waits for a condition without asserting how long it takes; gives up after `limitMs`. */
async function eventually(condition: () => Promise<boolean>, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

await describeEachDialect('KeyCache on a store', (dialect) => {
  let temp: TempStore;
  let cache: KeyCache;
  let keys: KeysService;
  let accountId: string;
  const look = async (secret: string): Promise<KeyRecord | undefined> => await cache.lookup(secret);
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    cache = new KeyCache(keySourceOf(temp.store));
    await cache.start();
    keys = createKeysService({ db: temp.store.db, onChange: () => cache.invalidate() });
    const account = await createAccountsService({ db: temp.store.db }).createAccount({ email: 'cache@example.com', plan: 'pro' });
    accountId = account.id;
  });
  afterEach(async () => {
    cache.stop();
    await temp.cleanup();
  });

  it('finds a usable key by its secret and carries what admission needs', async () => {
    const { id, secret } = await keys.createKey({ accountId, routing: 'latency', spendCapUsd: 3 });
    assert.deepEqual(await look(secret), {
      keyId: id,
      accountId,
      plan: 'pro',
      defaultRouting: 'latency',
      defaultProvider: null,
      keySpendCapUsd: 3,
      accountSpendCapUsd: null,
      limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
      responseCacheTtlSeconds: null,
      budget: null,
      keyRpm: null,
      keyTpm: null,
      allowedModels: null,
    });
    assert.equal(cache.size, 1);
    assert.equal(await look(generateApiKey()), undefined);
    assert.equal(await look('not a key'), undefined);
  });

  it('builds its filter from the keys stored, then refuses made-up keys without a query', async () => {
    const stored = await keys.createKey({ accountId });
    await cache.filterSettled();
    assert.equal(cache.stats().filterReady, true);
    const before = cache.stats().lookups;
    for (let i = 0; i < 200; i++) assert.equal(await look(generateApiKey()), undefined);
    assert.ok(cache.stats().lookups - before <= 10, `${cache.stats().lookups - before} of 200 made-up keys were looked up`);
    assert.ok(await look(stored.secret));
  });

  it('refuses a key revoked in the same process as soon as the revocation returns', async () => {
    const { id, secret } = await keys.createKey({ accountId });
    assert.ok(await look(secret));
    await keys.revokeKey(id);
    assert.equal(await look(secret), undefined);
  });

  it('answers keys it holds from memory alone', async () => {
    const { secret } = await keys.createKey({ accountId });
    assert.ok(await look(secret));
    await temp.store.close();
    assert.equal(cache.lookup(secret) instanceof Promise, false);
    assert.equal((await look(secret))?.accountId, accountId);
  });

  it('applies a plan change made in the same process to the keys it holds', async () => {
    const accounts = createAccountsService({ db: temp.store.db, onChange: () => cache.invalidate() });
    const { secret } = await keys.createKey({ accountId });
    assert.equal((await look(secret))?.plan, 'pro');
    await accounts.updateAccountLimits('cache@example.com', { plan: 'enterprise', rpm: 7 });
    const after = await look(secret);
    assert.equal(after?.plan, 'enterprise');
    assert.equal(after?.limits.rpm, 7);
  });

  describe('writes made by another connection (the CLI, another instance)', () => {
    let other: Store;
    let otherKeys: KeysService;
    beforeEach(async () => {
      other = temp.openAnother();
      otherKeys = createKeysService({ db: other.db });
      cache.startWatching(20);
      await cache.filterSettled();
    });
    afterEach(async () => {
      await other.close();
    });

    it('honours a key created elsewhere on its first request, and refuses it once revoked elsewhere', async () => {
      const { id, secret } = await otherKeys.createKey({ email: 'cache@example.com' });
      assert.equal((await look(secret))?.accountId, accountId);
      await otherKeys.revokeKey(id);
      await eventually(async () => (await look(secret)) === undefined);
    });

    it('refuses the old secret and honours the new one after a rotation elsewhere', async () => {
      const old = await otherKeys.createKey({ accountId });
      assert.ok(await look(old.secret));
      const rotated = await otherKeys.rotateKey(old.id);
      assert.ok(await look(rotated.secret));
      await eventually(async () => (await look(old.secret)) === undefined);
    });

    it("applies an account's plan change made elsewhere", async () => {
      const { secret } = await keys.createKey({ accountId });
      assert.equal((await look(secret))?.plan, 'pro');
      await createAccountsService({ db: other.db }).updateAccountLimits('cache@example.com', { plan: 'free' });
      await eventually(async () => (await look(secret))?.plan === 'free');
    });
  });

  it('keeps a rotated key working through its grace period and refuses it from the moment it ends', async () => {
    let now = Date.now();
    const clockedCache = new KeyCache(keySourceOf(temp.store), { now: () => now });
    await clockedCache.start();
    const clockedKeys = createKeysService({ db: temp.store.db, now: () => new Date(now), onChange: () => clockedCache.invalidate() });
    try {
      const old = await clockedKeys.createKey({ accountId });
      const rotated = await clockedKeys.rotateKey(old.id, {}, { graceSeconds: 60 });
      assert.equal((await clockedCache.lookup(old.secret))?.keyId, old.id);
      assert.equal((await clockedCache.lookup(rotated.secret))?.keyId, rotated.id);
      now += 59_999;
      assert.ok(await clockedCache.lookup(old.secret));
      now += 1;
      assert.equal(await clockedCache.lookup(old.secret), undefined);
      await clockedCache.invalidate();
      assert.equal(await clockedCache.lookup(old.secret), undefined);
      assert.equal(clockedCache.size, 1);
    } finally {
      clockedCache.stop();
    }
  });
});
