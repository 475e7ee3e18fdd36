/**
 * Issue 20, "Key lookup that scales": a key works on its very first request whoever created it — the CLI (another
 * connection to the store, as the `originalpoint keys create` process is), the dashboard's `/api`, or the store
 * directly — with no wait for a poll; it is refused at once once revoked through `/api`; and a flood of made-up keys
 * is answered 401 from memory, reaching the store only for the filter's rare false positives. Runs on SQLite and, in
 * the shared leg (`OP_TEST_SHARED=1`), on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { generateApiKey } from '../../src/auth/index.js';
import { registerKeyCommands } from '../../src/cli/keys.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PASSWORD = 'key lookup password';

/** `originalpoint keys create --email E --json`, through the CLI's own code, on a connection of its own. */
async function cliCreateKey(gw: TestGateway, email: string): Promise<string> {
  let stdout = '';
  const program = new Command('originalpoint').exitOverride().configureOutput({
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: () => undefined,
  });
  registerKeyCommands(program, async () => gw.openAnotherStore());
  try {
    await program.parseAsync(['keys', 'create', '--email', email, '--json'], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new Error(`keys create exited ${error.exitCode}`);
    throw error;
  }
  const created = JSON.parse(stdout) as { key?: unknown };
  assert.equal(typeof created.key, 'string');
  return created.key as string;
}

async function modelsStatus(gw: TestGateway, apiKey: string): Promise<number> {
  const response = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
  await response.arrayBuffer();
  return response.status;
}

describe('key lookup: first requests and made-up keys', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
    await gw.keys.filterSettled();
  });
  after(async () => {
    await gw.close();
  });

  it('a key created with `originalpoint keys create` answers 200 on its first request', async () => {
    const account = await gw.addAccount();
    const secret = await cliCreateKey(gw, account.email);
    const completion = await gw.client(secret).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(await modelsStatus(gw, await cliCreateKey(gw, account.email)), 200);
  });

  it('a key created through /api answers 200 on its first request, and 401 right after its revocation there', async () => {
    const browser = new DashboardClient(gw.url);
    await browser.signup(`lookup-${Date.now()}@example.com`, PASSWORD);
    const created = await browser.post<{ key: { id: string }; secret: string }>('/api/keys', { name: 'fresh' });
    assert.equal(created.status, 201, created.text);
    const completion = await gw
      .client(created.body.secret)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.object, 'chat.completion');
    const revoked = await browser.post(`/api/keys/${created.body.key.id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(await modelsStatus(gw, created.body.secret), 401);
  });

  it('answers 401 to 2,000 made-up keys, of which about 1 % reach the store, and each of those once', async () => {
    const before = gw.keys.stats();
    const madeUp = Array.from({ length: 2000 }, () => generateApiKey());
    for (let i = 0; i < madeUp.length; i += 50) {
      const statuses = await Promise.all(madeUp.slice(i, i + 50).map((secret) => modelsStatus(gw, secret)));
      assert.ok(statuses.every((status) => status === 401));
    }
    const lookups = gw.keys.stats().lookups - before.lookups;
    assert.ok(lookups <= 60, `${lookups} of 2,000 made-up keys were looked up in the store`);
    for (const secret of madeUp.slice(0, 200)) assert.equal(await modelsStatus(gw, secret), 401);
    assert.equal(gw.keys.stats().lookups - before.lookups, lookups, 'repeats are answered from memory');
  });
});
