/**
 * Scale-out of per-key governance (issue 20, "Done when"): two gateway instances sharing one PostgreSQL schema and one
 * Redis prefix — a key budget shared by both is never overspent under 200 concurrent requests; once one instance has
 * used a budget up the other refuses the key at once; a budget lowered, an allow-list set or a key revoked through one
 * instance's dashboard is honoured by the other within 1 s (the key change notices carry the new columns too).
 *
 * The two instances run in this process (each with its own key cache, limiter client and simulator), which is what
 * matters here: nothing is shared between them but PostgreSQL and Redis. `multi-instance.test.ts` runs separate
 * processes for the behaviours where the process boundary matters (SIGKILL, the CLI). Skipped with one line when
 * PostgreSQL or Redis is down, unless `CI=true`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createAccountsService, createKeysService } from '../../src/auth/index.js';
import { connectTestRedis } from '../../src/cluster/testing.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { postgresReachable } from '../../src/store/testing.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { createSharedBackends, type SharedBackends } from '../helpers/shared-backends.js';

const messages = [{ role: 'user', content: 'Say hello to the governance tests please' }];
const PASSWORD = 'governance scale-out';

async function chat(gw: RunningGateway, apiKey: string, body: Record<string, unknown>): Promise<{ status: number; cost: number; message: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages, ...body }),
  });
  const json = (await response.json()) as { usage?: { cost_usd?: number }; error?: { message: string } };
  return { status: response.status, cost: json.usage?.cost_usd ?? 0, message: json.error?.message ?? '' };
}

/** Asks `gw` every 10 ms until a request with `apiKey` gets `status`; resolves with when it first did. */
async function firstStatus(gw: RunningGateway, apiKey: string, status: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await chat(gw, apiKey, { model: 'gpt-4o-mini', max_tokens: 4 })).status === status) return Date.now();
    assert.ok(Date.now() < deadline, `no ${status} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const reachable = (await postgresReachable()) && (await connectTestRedis().then((redis) => (redis?.disconnect(), redis !== undefined)));

if (!reachable) {
  describe('scale-out: key governance on two instances', { skip: 'postgres/redis not reachable' }, () => undefined);
} else {
  describe('scale-out: key governance on two instances', { timeout: 120_000 }, () => {
    let shared: SharedBackends;
    const instances: RunningGateway[] = [];
    const dataDirs: string[] = [];
    let accounts = 0;

    const gw = (index: number): RunningGateway => {
      const found = instances[index % 2];
      assert.ok(found);
      return found;
    };

    /** An account (with a dashboard password) and one key with `governance`, written to the shared database. */
    async function addKey(governance: { budgetUsd: number; budgetPeriod?: string }) {
      const db = gw(0).store.db;
      const email = `governed-${++accounts}-${Date.now()}@example.com`;
      const account = await createAccountsService({ db }).createAccount({ email, plan: 'enterprise', password: PASSWORD, concurrent: 1000 });
      const key = await createKeysService({ db }).createKey({ ...governance, accountId: account.id, name: 'governed' });
      return { accountId: account.id, email, apiKey: key.secret, keyId: key.id };
    }

    before(async () => {
      shared = await createSharedBackends();
      for (let i = 0; i < 2; i += 1) {
        const dataDir = mkdtempSync(join(tmpdir(), 'op-governance-'));
        dataDirs.push(dataDir);
        const env = { ...shared.env, OP_DATA_DIR: dataDir, OP_PORT: '0', OP_HOST: '127.0.0.1', OP_INSTANCES: '2', OP_MASTER_KEY: 'a'.repeat(64) };
        instances.push(await startGateway({ config: loadConfig({ env }), simulate: true, logger: false, seedDemo: false, keyPollMs: 50 }));
      }
    });

    after(async () => {
      await Promise.allSettled(instances.map((instance) => instance.close()));
      await shared?.cleanup();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    it('a daily key budget shared by both instances is never overspent under 200 concurrent requests', async () => {
      const BUDGET_USD = 0.0002;
      const key = await addKey({ budgetUsd: BUDGET_USD, budgetPeriod: 'daily' });
      const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(gw(i), key.apiKey, { model: 'gpt-4o-mini', max_tokens: 16 })));
      const statuses = [...new Set(outcomes.map((o) => o.status))].sort();
      assert.deepEqual(statuses, [200, 402], `statuses ${JSON.stringify(statuses)}`);
      for (const o of outcomes.filter((x) => x.status === 402)) assert.match(o.message, /daily budget of \$0\.0002 on this key/);
      const clientCost = sum(outcomes.map((o) => o.cost));
      assert.ok(clientCost <= BUDGET_USD, `clients were charged $${clientCost} > budget $${BUDGET_USD}`);

      await Promise.all(instances.map((instance) => instance.ledger.flush()));
      const rows = await gw(0).store.db.selectFrom('usage').select(['costUsd']).where('keyId', '=', key.keyId).execute();
      const ledgerCost = sum(rows.map((row) => Number(row.costUsd)));
      assert.ok(ledgerCost <= BUDGET_USD, `ledger $${ledgerCost} > budget $${BUDGET_USD}`);
      assert.ok(Math.abs(ledgerCost - clientCost) < 1e-9, `ledger $${ledgerCost} vs clients $${clientCost}`);
      const admitted = outcomes.filter((o) => o.status === 200).length;
      console.log(
        `# key budget $${BUDGET_USD}/day shared by two instances, 200 concurrent requests: ${admitted} admitted, spent $${ledgerCost.toFixed(9)} (${((ledgerCost / BUDGET_USD) * 100).toFixed(1)}%)`,
      );
    });

    it('a budget used up on one instance is refused by the other at once', async () => {
      const key = await addKey({ budgetUsd: 0.00005, budgetPeriod: 'weekly' });
      let exhaustedAt: number | undefined;
      for (let i = 0; exhaustedAt === undefined; i += 1) {
        const outcome = await chat(gw(0), key.apiKey, { model: 'gpt-4o-mini', max_tokens: 16 });
        if (outcome.status === 402) exhaustedAt = Date.now();
        else assert.equal(outcome.status, 200);
        assert.ok(i < 200, 'the budget was never used up');
      }
      const refused = await chat(gw(1), key.apiKey, { model: 'gpt-4o-mini', max_tokens: 16 });
      const delay = Date.now() - exhaustedAt;
      assert.equal(refused.status, 402, 'the first request to the other instance is refused');
      assert.match(refused.message, /weekly budget/);
      assert.ok(delay < 1000, `refused ${delay} ms after the exhaustion`);
      console.log(`# budget used up on A: B's first request refused ${delay} ms later`);
    });

    it("a budget lowered, an allow-list set or a revocation through one instance's dashboard holds on the other within 1 s", async () => {
      const key = await addKey({ budgetUsd: 10 });
      for (const instance of instances) assert.equal((await chat(instance, key.apiKey, { model: 'gpt-4o-mini', max_tokens: 4 })).status, 200);
      const browser = new DashboardClient(gw(0).url);
      assert.equal((await browser.post('/api/login', { email: key.email, password: PASSWORD })).status, 200);
      const delays: Record<string, number> = {};

      const lowered = await browser.patch(`/api/keys/${key.keyId}`, { budget_usd: 0 });
      assert.equal(lowered.status, 200, lowered.text);
      const loweredAt = Date.now();
      delays.budget = (await firstStatus(gw(1), key.apiKey, 402)) - loweredAt;

      const restricted = await browser.patch(`/api/keys/${key.keyId}`, { budget_usd: 10, allowed_models: ['claude-*'] });
      assert.equal(restricted.status, 200, restricted.text);
      const restrictedAt = Date.now();
      delays.allowList = (await firstStatus(gw(1), key.apiKey, 403)) - restrictedAt;

      assert.equal((await browser.post(`/api/keys/${key.keyId}/revoke`)).status, 200);
      const revokedAt = Date.now();
      delays.revocation = (await firstStatus(gw(1), key.apiKey, 401)) - revokedAt;

      for (const [what, delay] of Object.entries(delays)) assert.ok(delay < 1000, `${what}: held by the other instance after ${delay} ms`);
      console.log(
        `# changes on A held by B after: budget ${delays.budget} ms, allow-list ${delays.allowList} ms, revocation ${delays.revocation} ms`,
      );
    });
  });
}
