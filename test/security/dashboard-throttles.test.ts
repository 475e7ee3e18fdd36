/**
 * Dashboard throttles under concurrency (issue 14, findings 1, 2 and 6), end to end on a started gateway (SQLite
 * and memory, or PostgreSQL and Redis in the shared leg). Every attempt is counted before the work it guards, so a
 * burst cannot slip past the count while password hashes run:
 * - 60 concurrent wrong passwords for one email: at most 5 are checked (401), the rest are refused (429) unchecked;
 * - 30 concurrent signups from one address: at most 5 accounts are created;
 * - provider-key tests: at most 10 per account per hour reach the provider;
 * - keys per account are capped (409 `key_limit_reached`), also against concurrent creation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PASSWORD = 'the right password';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway((config) => {
    config.throttles.keysPerAccount = 4;
  });
});
after(async () => {
  await gw?.close();
});

async function countAccounts(): Promise<number> {
  const row = await gw.store.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function statuses(answers: readonly { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('dashboard throttles hold under concurrency', () => {
  it('60 concurrent wrong passwords for one email: at most 5 are checked, the others refused with Retry-After', async () => {
    await gw.addAccount({ email: 'victim@example.com', password: PASSWORD });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => new DashboardClient(gw.url).post('/api/login', { email: 'victim@example.com', password: `guess ${i}` })),
    );
    const counts = statuses(answers);
    assert.ok((counts[401] ?? 0) <= 5, `passwords checked: ${JSON.stringify(counts)}`);
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 60, JSON.stringify(counts));
    const refused = answers.find((answer) => answer.status === 429);
    assert.equal((refused?.body as { error?: { code?: string } } | undefined)?.error?.code, 'too_many_attempts');
    assert.ok(Number(refused?.headers.get('retry-after')) > 0);
    const right = await new DashboardClient(gw.url).post('/api/login', { email: 'victim@example.com', password: PASSWORD });
    assert.equal(right.status, 429, 'the right password waits too: the email is locked for the window');
  });

  it('30 concurrent signups from one address: at most 5 accounts are created', async () => {
    const before = await countAccounts();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new DashboardClient(gw.url).post('/api/signup', { email: `burst${i}@example.com`, password: 'a long enough password' }),
      ),
    );
    const counts = statuses(answers);
    assert.ok((counts[201] ?? 0) <= 5, JSON.stringify(counts));
    assert.equal((counts[201] ?? 0) + (counts[429] ?? 0), 30, JSON.stringify(counts));
    assert.ok((await countAccounts()) - before <= 5);
  });

  it('provider-key tests: at most 10 per account an hour reach the provider', async () => {
    const account = await gw.addAccount({ password: PASSWORD });
    const browser = new DashboardClient(gw.url);
    assert.equal((await browser.post('/api/login', { email: account.email, password: PASSWORD })).status, 200);
    const key = 'sk-proj-0123456789abcdefghijklmnopQRST';
    const answers = await Promise.all(
      Array.from({ length: 14 }, () => browser.post('/api/provider-keys', { provider: 'openai', api_key: key, test: true })),
    );
    const counts = statuses(answers);
    assert.equal(counts[429], 4, JSON.stringify(counts));
    assert.equal((counts[201] ?? 0) + (counts[429] ?? 0), 14, JSON.stringify(counts));
    assert.equal(
      (await browser.post('/api/provider-keys', { provider: 'openai', api_key: key })).status,
      201,
      'adding without a test is not throttled',
    );
  });

  it('keys per account are capped, also against concurrent creation, with 409 key_limit_reached', async () => {
    const account = await gw.addAccount({ password: PASSWORD });
    const browser = new DashboardClient(gw.url);
    assert.equal((await browser.post('/api/login', { email: account.email, password: PASSWORD })).status, 200);
    // The account already holds one key (addAccount issues it); the cap here is 4.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => browser.post('/api/keys', { name: `k${i}` })));
    const counts = statuses(answers);
    assert.deepEqual(counts, { 201: 3, 409: 7 });
    const refused = answers.find((answer) => answer.status === 409)?.body as { error: { code: string; message: string } };
    assert.equal(refused.error.code, 'key_limit_reached');
    assert.match(refused.error.message, /at most 4/);
    const listed = await browser.get<{ data: { id: string }[] }>('/api/keys');
    assert.equal(listed.body.data.length, 4);
  });
});
