import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { createAccount } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { createSessionService, SESSION_IDLE_TIMEOUT_MS, SESSION_TTL_MS, sessionId, type SessionService } from './sessions.js';

const DAY = 24 * 60 * 60 * 1000;

await describeEachDialect('sessions', (dialect) => {
  let temp: TempStore;
  let now: number;
  let sessions: SessionService;
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    now = Date.UTC(2026, 0, 1);
    sessions = createSessionService({ db: temp.store.db, now: () => now, touchIntervalMs: 60_000 });
    await createAccount(temp.store.db, {
      id: 'acct_1',
      email: 'a@example.com',
      passwordHash: null,
      plan: 'free',
      createdAt: new Date(now).toISOString(),
    });
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

  it('expires 30 days after creation, however active', async () => {
    const created = await sessions.create('acct_1');
    const start = now;
    assert.equal(Date.parse(created.expiresAt), now + SESSION_TTL_MS);
    // Used every 6 days, so the 7-day idle timeout never strikes.
    while (now + 6 * DAY < start + SESSION_TTL_MS) {
      now += 6 * DAY;
      assert.ok(await sessions.lookup(created.token));
    }
    now = start + SESSION_TTL_MS - 1;
    assert.ok(await sessions.lookup(created.token));
    now += 1;
    assert.equal(await sessions.lookup(created.token), undefined);
    assert.equal(await sessions.sweep(), 1);
  });

  it('expires after 7 days without use; use slides that, and the sweep deletes idle sessions', async () => {
    const created = await sessions.create('acct_1');
    const idle = await sessions.create('acct_1');
    now += SESSION_IDLE_TIMEOUT_MS - 1;
    assert.ok(await sessions.lookup(created.token), 'used just before the idle timeout');
    now += 1;
    assert.equal(await sessions.lookup(idle.token), undefined, 'unused for 7 days');
    now += SESSION_IDLE_TIMEOUT_MS - 2;
    assert.ok(await sessions.lookup(created.token), 'its last use (7 days - 1 ms ago) moved the idle expiry');
    assert.equal(await sessions.sweep(), 1);
    assert.ok(await sessions.lookup(created.token));
  });

  it('the idle timeout is exact to within the touch interval (use is not written on every request)', async () => {
    const short = createSessionService({ db: temp.store.db, now: () => now, idleTimeoutMs: 10 * 60_000, touchIntervalMs: 5 * 60_000 });
    const created = await short.create('acct_1');
    now += 4 * 60_000;
    assert.ok(await short.lookup(created.token), 'in use, but not written yet');
    now += 6 * 60_000;
    assert.equal(await short.lookup(created.token), undefined, '10 minutes after the last written use');
  });

  it('destroyAll ends every session of the account, or every other one', async () => {
    await createAccount(temp.store.db, {
      id: 'acct_2',
      email: 'b@example.com',
      passwordHash: null,
      plan: 'free',
      createdAt: new Date(now).toISOString(),
    });
    const [a, b, c] = [await sessions.create('acct_1'), await sessions.create('acct_1'), await sessions.create('acct_1')];
    const other = await sessions.create('acct_2');
    assert.equal(await sessions.destroyAll('acct_1', b.token), 2);
    assert.equal(await sessions.lookup(a.token), undefined);
    assert.ok(await sessions.lookup(b.token), 'the kept session');
    assert.equal(await sessions.lookup(c.token), undefined);
    assert.ok(await sessions.lookup(other.token), "another account's session");
    assert.equal(await sessions.destroyAll('acct_1'), 1);
    assert.equal(await sessions.lookup(b.token), undefined);
    assert.ok(await sessions.lookup(other.token));
  });

  it('records activity at most once per interval', async () => {
    const created = await sessions.create('acct_1');
    const lastSeen = async (): Promise<string | undefined> =>
      (await temp.store.db.selectFrom('sessions').select('lastSeenAt').executeTakeFirst())?.lastSeenAt;
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
