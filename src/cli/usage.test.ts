import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Command } from 'commander';
import { createStore, insertUsageBatch, type UsageRecord } from '../store/index.js';
import { registerAccountCommands } from './accounts.js';
import { registerKeyCommands } from './keys.js';
import type { OpenStore } from './store-command.js';
import { parseJsonObject, runCli, type CliRun } from './testing.js';
import { registerUsageCommand } from './usage.js';

const NOW = Date.UTC(2025, 5, 20, 12);

function registerAll(program: Command, openStore: OpenStore): void {
  registerAccountCommands(program, openStore);
  registerKeyCommands(program, openStore);
  registerUsageCommand(program, openStore, () => NOW);
}

describe('originalpoint usage', () => {
  let dataDir: string;
  let accountId: string;
  let keyA: string;
  let keyB: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(registerAll, dataDir, args);

  async function createKey(email: string): Promise<string> {
    return String(parseJsonObject((await cli('keys', 'create', '--email', email, '--json')).stdout)['id']);
  }

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
    const account = parseJsonObject((await cli('accounts', 'create', '--email', 'dev@example.com', '--json')).stdout);
    accountId = String(account['id']);
    await cli('accounts', 'create', '--email', 'other@example.com');
    keyA = await createKey('dev@example.com');
    keyB = await createKey('dev@example.com');
    const otherKey = await createKey('other@example.com');

    let sequence = 0;
    const row = (overrides: Partial<UsageRecord>): UsageRecord => {
      sequence += 1;
      return {
        id: `usage_${sequence}`,
        requestId: `req_${sequence}`,
        accountId,
        keyId: keyA,
        requestedModel: 'auto',
        routedModel: 'gpt-4o-mini',
        provider: 'openai',
        byok: false,
        promptTokens: 100,
        completionTokens: 40,
        costUsd: 0.1,
        latencyMs: 300,
        ttftMs: 50,
        status: 200,
        errorCode: null,
        stream: false,
        createdAt: '2025-06-10T08:00:00.000Z',
        endpoint: 'chat.completions',
        estimated: false,
        ...overrides,
      };
    };
    const store = createStore({ dataDir });
    try {
      await insertUsageBatch(store.db, [
        row({ endUser: 'alice' }),
        row({ costUsd: 0.2, endUser: 'bob' }),
        row({ keyId: keyB, promptTokens: 7, completionTokens: 0, costUsd: 0, status: 502, errorCode: 'upstream' }),
        row({ keyId: keyB, byok: true, promptTokens: 3, completionTokens: 3, costUsd: 0.000000123 }),
        row({ createdAt: '2025-05-31T23:59:59.999Z', costUsd: 50, endUser: 'alice' }),
        row({ accountId: 'acct_other', keyId: otherKey, costUsd: 70 }),
      ]);
    } finally {
      await store.close();
    }
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints this month's totals as JSON with exactly the documented fields", async () => {
    const run = await cli('usage', '--email', 'DEV@example.com', '--json');
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(parseJsonObject(run.stdout), {
      requests: 4,
      prompt_tokens: 210,
      completion_tokens: 83,
      cost_usd: 0.300000123,
      by_user: [
        { user: 'bob', requests: 1, tokens: 140, cost_usd: 0.2 },
        { user: 'alice', requests: 1, tokens: 140, cost_usd: 0.1 },
      ],
    });
  });

  it('narrows to one end user of the account (this month only)', async () => {
    const run = await cli('usage', '--email', 'dev@example.com', '--user', 'alice', '--json');
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(parseJsonObject(run.stdout), {
      requests: 1,
      prompt_tokens: 100,
      completion_tokens: 40,
      cost_usd: 0.1,
      by_user: [{ user: 'alice', requests: 1, tokens: 140, cost_usd: 0.1 }],
    });
    const text = await cli('usage', '--email', 'dev@example.com', '--user', 'alice');
    assert.match(text.stdout, /^Usage of dev@example\.com, end user alice in 2025-06 \(UTC\)/);
    assert.match(text.stdout, /By end user\nUSER   REQUESTS  TOKENS  COST \(USD\)\nalice  1         140     0\.10/);
  });

  it('narrows to one key of the account', async () => {
    const run = await cli('usage', '--email', 'dev@example.com', '--key', keyB, '--json');
    assert.deepEqual(parseJsonObject(run.stdout), {
      requests: 2,
      prompt_tokens: 10,
      completion_tokens: 3,
      cost_usd: 0.000000123,
      by_user: [],
    });
  });

  it('prints zeros for an account without usage', async () => {
    const run = await cli('usage', '--email', 'other@example.com', '--json');
    assert.deepEqual(parseJsonObject(run.stdout), { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, by_user: [] });
  });

  it('prints a table in text mode', async () => {
    const run = await cli('usage', '--email', 'dev@example.com', '--key', keyB);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        `Usage of dev@example.com, key ${keyB} in 2025-06 (UTC)`,
        'requests           2',
        'prompt tokens      10',
        'completion tokens  3',
        'cost (USD)         0.000000123',
        '',
      ].join('\n'),
    );
  });

  it('reports unknown accounts and keys of other accounts on stderr with exit code 1', async () => {
    const ghost = await cli('usage', '--email', 'ghost@example.com');
    assert.equal(ghost.exitCode, 1);
    assert.equal(ghost.stdout, '');
    assert.equal(ghost.stderr, 'error: no account with email ghost@example.com\n');

    const foreign = await cli('usage', '--email', 'other@example.com', '--key', keyA);
    assert.equal(foreign.exitCode, 1);
    assert.equal(foreign.stderr, `error: no key with id ${keyA} on account other@example.com\n`);

    const malformed = await cli('usage', '--email', 'nope');
    assert.equal(malformed.exitCode, 1);
    assert.equal(malformed.stderr, 'error: invalid email address: "nope"\n');
  });
});
