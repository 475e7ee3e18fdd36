import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { registerAccountCommands } from './accounts.js';
import { createStore } from '../store/index.js';
import { parseJsonObject, runCli, type CliRun } from './testing.js';

describe('originalpoint accounts create', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an account on a fresh data directory and prints it', async () => {
    const run = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'Ada@Example.com']);
    assert.equal(run.exitCode, 0);
    assert.match(run.stdout, /^Created account acct_\w+ \(ada@example\.com, plan free\)\n$/);
    assert.equal(run.stderr, '');
  });

  it('prints JSON', async () => {
    const run = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'pro@example.com', '--plan', 'pro', '--json']);
    const printed = parseJsonObject(run.stdout);
    assert.deepEqual(Object.keys(printed).sort(), ['createdAt', 'email', 'id', 'limits', 'monthlySpendCapUsd', 'plan']);
    assert.equal(printed['plan'], 'pro');
    assert.equal(printed['email'], 'pro@example.com');
    assert.deepEqual(printed['limits'], { rpm: null, tpm: null, concurrent: null, includedTokens: null });
    assert.equal(printed['monthlySpendCapUsd'], null);
  });

  it('takes limit overrides and a spend cap', async () => {
    const run = await runCli(registerAccountCommands, dataDir, [
      'accounts',
      'create',
      '--email',
      'big@example.com',
      '--plan',
      'enterprise',
      '--rpm',
      '1200',
      '--tpm',
      '5000000',
      '--concurrent',
      '50',
      '--included-tokens',
      '0',
      '--spend-cap-usd',
      '250.5',
      '--json',
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const printed = parseJsonObject(run.stdout);
    assert.equal(printed['plan'], 'enterprise');
    assert.deepEqual(printed['limits'], { rpm: 1200, tpm: 5_000_000, concurrent: 50, includedTokens: 0 });
    assert.equal(printed['monthlySpendCapUsd'], 250.5);
  });

  it('reports a duplicate email on stderr with exit code 1 and no stack', async () => {
    await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'dup@example.com']);
    const run = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'dup@example.com']);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'error: an account with email dup@example.com already exists\n');
  });

  it('refuses an unknown plan and a malformed email', async () => {
    const plan = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'a@b.co', '--plan', 'gold']);
    assert.equal(plan.exitCode, 1);
    assert.match(plan.stderr, /gold.*free, pro, enterprise/);
    const email = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'nope']);
    assert.equal(email.exitCode, 1);
    assert.equal(email.stderr, 'error: invalid email address: "nope"\n');
  });
});

describe('originalpoint accounts set', () => {
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(registerAccountCommands, dataDir, args);

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
    await cli('accounts', 'create', '--email', 'ent@example.com', '--rpm', '100', '--spend-cap-usd', '5');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function storedAccount() {
    const store = createStore({ dataDir });
    try {
      return await store.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    } finally {
      await store.close();
    }
  }

  it('changes only the limits given and keeps the rest', async () => {
    const run = await cli('accounts', 'set', '--email', 'ENT@example.com', '--plan', 'enterprise', '--tpm', '9000');
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /^Updated account acct_\w+ \(ent@example\.com\)\nplan: enterprise\nrpm: 100\n/);
    assert.match(run.stdout, /\ntpm: 9000\nconcurrent: plan enterprise default\n/);
    const row = await storedAccount();
    assert.equal(row.plan, 'enterprise');
    assert.equal(row.rpmLimit, 100);
    assert.equal(row.tpmLimit, 9000);
    assert.equal(row.concurrentLimit, null);
    assert.equal(row.monthlySpendCapUsd, 5);
  });

  it('clears overrides and the cap with "none", and prints JSON', async () => {
    const run = await cli(
      'accounts',
      'set',
      '--email',
      'ent@example.com',
      '--rpm',
      'none',
      '--concurrent',
      '7',
      '--included-tokens',
      '1000000',
      '--spend-cap-usd',
      'none',
      '--json',
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const printed = parseJsonObject(run.stdout);
    assert.deepEqual(printed['limits'], { rpm: null, tpm: null, concurrent: 7, includedTokens: 1_000_000 });
    assert.equal(printed['monthlySpendCapUsd'], null);
    const row = await storedAccount();
    assert.equal(row.rpmLimit, null);
    assert.equal(row.includedTokens, 1_000_000);
    assert.equal(row.monthlySpendCapUsd, null);
  });

  it('reports bad values, unknown accounts and empty changes on stderr with exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['--rpm', '0'], /--rpm <n>.*argument '0' is invalid\. expected a whole number of at least 1/],
      [['--tpm', '1.5'], /--tpm <n>.*expected a whole number/],
      [['--included-tokens', '-1'], /--included-tokens <n>.*expected a whole number of at least 0/],
      [['--spend-cap-usd', 'lots'], /non-negative amount in USD/],
      [['--plan', 'gold'], /gold.*free, pro, enterprise/],
      [[], /^error: nothing to change/],
    ];
    for (const [extra, expected] of cases) {
      const run = await cli('accounts', 'set', '--email', 'ent@example.com', ...extra);
      assert.equal(run.exitCode, 1, extra.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, expected);
    }
    const ghost = await cli('accounts', 'set', '--email', 'ghost@example.com', '--rpm', '5');
    assert.equal(ghost.exitCode, 1);
    assert.equal(ghost.stderr, 'error: no account with email ghost@example.com\n');
    assert.equal((await storedAccount()).rpmLimit, 100);
  });
});
