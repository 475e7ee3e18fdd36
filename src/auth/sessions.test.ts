import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { createAccount } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createSessionService, SESSION_TTL_MS, sessionId, type SessionService } from './sessions.js';

await describeEachDialect('sessions', (dialect) => {
  let temp: TempStore;
  let now: number;
  let sessions: SessionService;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    now = Date.UTC(2026, 0, 1);
    sessions = createSessionService({ db: temp.store.db, now: () => now, touchIntervalMs: 60_000 });
    await createAccount(temp.store.db, { id: 'acct_1', email: 'a@example.com', passwordHash: null, plan: 'free', createdAt: new Date(now).toISOString() });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('stores only the hash of the token, and finds the session by the token', async () => {
    const created = await sessions.create('acct_1');
    assert.match(created.token, /^[A-Za-z0-9_-]{43}$/);
    const rows = await temp.store.db.selectFrom('sessions').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.id, sessionId(created.token));
    assert.ok(!JSON.stringify(rows).includes(created.token));
    assert.deepEqual(await sessions.lookup(created.token), { accountId: 'acct_1', csrfToken: created.csrfToken, expiresAt: created.expiresAt });
  });

  it('every session has its own token and CSRF token', async () => {
    const a = await sessions.create('acct_1');
    const b = await sessions.create('acct_1');
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.csrfToken, b.csrfToken);
  });

  it('expires 30 days after creation', async () => {
    const created = await sessions.create('acct_1');
    assert.equal(Date.parse(created.expiresAt), now + SESSION_TTL_MS);
    now += SESSION_TTL_MS - 1;
    assert.ok(await sessions.lookup(created.token));
    now += 1;
    assert.equal(await sessions.lookup(created.token), undefined);
    assert.equal(await sessions.sweep(), 1);
  });

  it('records activity at most once per interval', async () => {
    const created = await sessions.create('acct_1');
    const lastSeen = async (): Promise<string | undefined> =>
      (await temp.store.db.selectFrom('sessions').select('last_seen_at').executeTakeFirst())?.last_seen_at;
    const start = await lastSeen();
    now += 30_000;
    await sessions.lookup(created.token);
    assert.equal(await lastSeen(), start);
    now += 30_000;
    await sessions.lookup(created.token);
    assert.equal(await lastSeen(), new Date(now).toISOString());
  });

  it('destroy ends the session; malformed and unknown tokens find nothing', async () => {
    const created = await sessions.create('acct_1');
    await sessions.destroy(created.token);
    assert.equal(await sessions.lookup(created.token), undefined);
    assert.equal(await sessions.lookup(''), undefined);
    assert.equal(await sessions.lookup('x'.repeat(5000)), undefined);
    assert.equal(await sessions.lookup('A'.repeat(43)), undefined);
  });
});
