import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createAccountsService } from './accounts-service.js';
import { hashApiKey, looksLikeApiKey } from './api-key.js';
import { AuthServiceError } from './errors.js';
import { createKeysService, type KeysService } from './keys-service.js';

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof AuthServiceError && error.code === code;
}

await describeEachDialect('keys service', (dialect) => {
  let temp: TempStore;
  let keys: KeysService;
  let accountId: string;
  let changes: number;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    changes = 0;
    keys = createKeysService({
      db: temp.store.db,
      onChange: () => {
        changes += 1;
      },
    });
    accountId = (await createAccountsService({ db: temp.store.db }).createAccount({ email: 'k@example.com' })).id;
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('caps the keys an account holds at once, also when they are created concurrently; revoked keys do not count', async () => {
    const capped = createKeysService({ db: temp.store.db, maxKeysPerAccount: 3 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => capped.createKey({ accountId, name: `k${i}` })));
    const created = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    assert.equal(created.length, 3);
    for (const result of results) if (result.status === 'rejected') assert.ok(hasCode('key_limit_reached')(result.reason));
    assert.equal((await capped.listKeys({ accountId })).length, 3);
    await capped.revokeKey(created[0]?.id ?? '');
    await capped.createKey({ email: 'k@example.com', name: 'after revoke' });
    await assert.rejects(capped.createKey({ accountId, name: 'one too many' }), hasCode('key_limit_reached'));
  });

  it('creates a key and returns its secret once', async () => {
    const created = await keys.createKey({ email: 'K@example.com', name: ' ci ', routing: 'cost', spendCapUsd: 5 });
    assert.ok(looksLikeApiKey(created.secret));
    assert.match(created.id, /^key_/);
    assert.equal(created.accountId, accountId);
    assert.equal(created.name, 'ci');
    assert.equal(created.routing, 'cost');
    assert.equal(created.spendCapUsd, 5);
    assert.equal(created.last4, created.secret.slice(-4));
    assert.equal(created.status, 'active');
    assert.equal(changes, 1);

    const [listed] = await keys.listKeys({ accountId });
    const { secret: _secret, ...withoutSecret } = created;
    assert.deepEqual(listed, withoutSecret);
  });

  it('stores the hash and never the plaintext', async () => {
    const { secret } = await keys.createKey({ accountId });
    const rows = await temp.store.db.selectFrom('apiKeys').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.keyHash, hashApiKey(secret));
    assert.ok(!JSON.stringify(rows).includes(secret.slice(3)));
    for (const file of fs.readdirSync(temp.dataDir)) {
      const bytes = fs.readFileSync(path.join(temp.dataDir, file));
      assert.equal(bytes.includes(secret.slice(3)), false, `plaintext found in ${file}`);
    }
  });

  it('refuses bad input and unknown accounts', async () => {
    await assert.rejects(keys.createKey({ email: 'nobody@example.com' }), hasCode('account_not_found'));
    await assert.rejects(keys.createKey({ accountId: 'acct_nope' }), hasCode('account_not_found'));
    await assert.rejects(keys.createKey({ accountId, routing: 'fastest' }), hasCode('invalid_routing'));
    await assert.rejects(keys.createKey({ accountId, name: '  ' }), hasCode('invalid_name'));
    await assert.rejects(keys.createKey({ accountId, spendCapUsd: -1 }), hasCode('invalid_spend_cap'));
    await assert.rejects(keys.listKeys({ email: 'nobody@example.com' }), hasCode('account_not_found'));
    assert.equal(changes, 0);
  });

  it('revokes a key, idempotently', async () => {
    const { id } = await keys.createKey({ accountId });
    const revoked = await keys.revokeKey(id);
    assert.equal(revoked.status, 'revoked');
    assert.ok(revoked.revokedAt);
    const again = await keys.revokeKey(id);
    assert.equal(again.revokedAt, revoked.revokedAt);
    assert.equal(changes, 2);
    await assert.rejects(keys.revokeKey('key_missing'), hasCode('key_not_found'));
  });

  it('rotates: new secret, same settings, old key revoked', async () => {
    const old = await keys.createKey({ accountId, name: 'prod', routing: 'reliability', spendCapUsd: 12.5 });
    const rotated = await keys.rotateKey(old.id);
    assert.notEqual(rotated.id, old.id);
    assert.notEqual(rotated.secret, old.secret);
    assert.equal(rotated.name, 'prod');
    assert.equal(rotated.routing, 'reliability');
    assert.equal(rotated.spendCapUsd, 12.5);
    assert.equal(rotated.rotatedFrom, old.id);
    assert.equal(rotated.status, 'active');

    const statuses = new Map((await keys.listKeys({ accountId })).map((key) => [key.id, key.status]));
    assert.deepEqual(
      statuses,
      new Map([
        [old.id, 'revoked'],
        [rotated.id, 'active'],
      ]),
    );
    await assert.rejects(keys.rotateKey(old.id), hasCode('key_revoked'));
    await assert.rejects(keys.rotateKey('key_missing'), hasCode('key_not_found'));
  });

  it('keeps a scoped caller to its own account, and rolls back a refused rotation', async () => {
    const { id } = await keys.createKey({ accountId });
    await assert.rejects(keys.revokeKey(id, { accountId: 'acct_other' }), hasCode('key_not_found'));
    await assert.rejects(keys.rotateKey(id, { accountId: 'acct_other' }), hasCode('key_not_found'));
    const [key, ...rest] = await keys.listKeys({ accountId });
    assert.equal(rest.length, 0);
    assert.equal(key?.status, 'active');
  });

  it('rotates with a grace period: the old key stays active until it ends, then reads as revoked', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clocked = createKeysService({ db: temp.store.db, now: () => new Date(now) });
    const old = await clocked.createKey({ accountId, name: 'graceful' });
    const rotated = await clocked.rotateKey(old.id, { accountId }, { graceSeconds: 600 });
    const during = (await clocked.listKeys({ accountId })).find((key) => key.id === old.id);
    assert.equal(during?.status, 'active');
    assert.equal(during?.graceUntil, new Date(now + 600_000).toISOString());
    assert.equal(rotated.graceUntil, null);
    await assert.rejects(
      clocked.rotateKey(old.id, { accountId }),
      (error: unknown) => hasCode('key_revoked')(error) && /already been rotated/.test(String(error)),
    );
    now += 600_000;
    const after = (await clocked.listKeys({ accountId })).find((key) => key.id === old.id);
    assert.equal(after?.status, 'revoked');
    assert.equal(after?.graceUntil, null);
    await assert.rejects(clocked.rotateKey(old.id, {}, { graceSeconds: 86_401 }), hasCode('invalid_grace_period'));
    await assert.rejects(clocked.rotateKey(old.id, {}, { graceSeconds: 1.5 }), hasCode('invalid_grace_period'));
  });

  it('revoking a key in its grace period revokes it now', async () => {
    const old = await keys.createKey({ accountId });
    await keys.rotateKey(old.id, {}, { graceSeconds: 3600 });
    const revoked = await keys.revokeKey(old.id);
    assert.equal(revoked.status, 'revoked');
    assert.ok(Date.parse(revoked.revokedAt ?? '') <= Date.now());
  });

  it('updates name, routing and cap within the caller’s account, announcing only what the cache cares about', async () => {
    const { id } = await keys.createKey({ accountId, name: 'a', routing: 'cost', spendCapUsd: 1 });
    const before = changes;
    const renamed = await keys.updateKey(id, { name: ' b ' }, { accountId });
    assert.equal(renamed.name, 'b');
    assert.equal(renamed.routing, 'cost');
    assert.equal(changes, before);
    const cleared = await keys.updateKey(id, { routing: null, spendCapUsd: null }, { accountId });
    assert.equal(cleared.routing, null);
    assert.equal(cleared.spendCapUsd, null);
    assert.equal(changes, before + 1);
    await assert.rejects(keys.updateKey(id, { name: 'x' }, { accountId: 'acct_other' }), hasCode('key_not_found'));
    await assert.rejects(keys.updateKey(id, { routing: 'fast' }), hasCode('invalid_routing'));
    await assert.rejects(keys.updateKey(id, { spendCapUsd: -2 }), hasCode('invalid_spend_cap'));
    await assert.rejects(keys.updateKey(id, { name: '' }), hasCode('invalid_name'));
    await assert.rejects(keys.updateKey('key_missing', {}), hasCode('key_not_found'));
  });
});
