/**
 * `originalpoint keys create|update` with a key's governance: a budget per period, the models it may use (checked
 * against the configured catalog), its own rpm/tpm and an expiry; `none` clears; every refusal is one line on stderr
 * with exit code 1, and a refused update changes nothing stored.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Command } from 'commander';
import { registerAccountCommands } from './accounts.js';
import { registerKeyCommands } from './keys.js';
import type { OpenStore } from './store-command.js';
import { parseJsonObject, parseJsonObjects, runCli, type CliRun } from './testing.js';

function registerAll(program: Command, openStore: OpenStore): void {
  registerAccountCommands(program, openStore);
  registerKeyCommands(program, openStore);
}

const FUTURE = '2099-01-01T00:00:00.000Z';

describe('originalpoint keys: governance', () => {
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(registerAll, dataDir, args);
  const create = async (...args: string[]): Promise<Record<string, unknown>> => {
    const run = await cli('keys', 'create', '--email', 'dev@example.com', ...args, '--json');
    assert.equal(run.exitCode, 0, run.stderr);
    return parseJsonObject(run.stdout);
  };
  const listed = async (): Promise<Record<string, unknown>[]> =>
    parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
    await cli('accounts', 'create', '--email', 'dev@example.com');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key with a budget, allowed models, rate limits and an expiry, and keeps them on rotation', async () => {
    const created = await create(
      ...['--budget-usd', '5', '--budget-period', 'weekly', '--models', 'gpt-4o-mini,claude-*'],
      ...['--rpm', '30', '--tpm', '20000', '--expires-at', '2099-01-01T00:00:00Z'],
    );
    const governance = {
      budgetUsd: 5,
      budgetPeriod: 'weekly',
      allowedModels: ['gpt-4o-mini', 'claude-*'],
      rpmLimit: 30,
      tpmLimit: 20000,
      expiresAt: FUTURE,
    };
    assert.deepEqual({ ...created, ...governance }, created);
    const rotated = parseJsonObject((await cli('keys', 'rotate', String(created['id']), '--json')).stdout);
    const [, renewed] = await listed();
    assert.equal(renewed?.['id'], rotated['id']);
    assert.deepEqual({ ...renewed, ...governance }, renewed, 'the new key has the same governance');
    const table = (await cli('keys', 'list', '--email', 'dev@example.com')).stdout;
    assert.match(table, /5 weekly\s+gpt-4o-mini,claude-\*\s+2099-01-01T00:00:00\.000Z/);
  });

  it('a budget amount alone is monthly; update changes fields one by one and none clears', async () => {
    const created = await create('--budget-usd', '2');
    assert.equal(created['budgetPeriod'], 'monthly');
    const id = String(created['id']);
    const update = async (...args: string[]): Promise<Record<string, unknown>> => {
      const run = await cli('keys', 'update', id, ...args, '--json');
      assert.equal(run.exitCode, 0, run.stderr);
      return parseJsonObject(run.stdout);
    };
    assert.deepEqual([(await update('--budget-period', 'daily'))['budgetUsd'], (await update('--rpm', '7'))['budgetPeriod']], [2, 'daily']);
    const cleared = await update('--budget-usd', 'none', '--rpm', 'none', '--models', 'none', '--expires-at', 'none');
    assert.deepEqual(
      [cleared['budgetUsd'], cleared['budgetPeriod'], cleared['rpmLimit'], cleared['allowedModels'], cleared['expiresAt']],
      [null, null, null, null, null],
    );
  });

  it('refuses bad values with exit code 1, creating or changing nothing', async () => {
    const id = String((await create('--budget-usd', '3', '--models', 'gpt-4o-mini'))['id']);
    const before = await listed();
    const cases: [string[], RegExp][] = [
      [['--budget-usd', '-1'], /non-negative amount in USD/],
      [['--budget-period', 'hourly'], /daily, weekly, monthly/],
      [['--models', 'gpt-4o-mini,gpt-9*'], /`models\[1\]` \("gpt-9\*"\) matches no catalog model/],
      [['--models', 'gpt-4o-mini,,x'], /separated by commas/],
      [['--rpm', '0'], /whole number of at least 1/],
      [['--tpm', '1.5'], /whole number of at least 1/],
      [['--expires-at', '2020-01-01T00:00:00Z'], /expiry 2020-01-01T00:00:00\.000Z is not in the future/],
      [['--expires-at', 'tomorrow'], /ISO-8601 time with a time zone/],
    ];
    for (const [args, message] of cases) {
      for (const command of [
        ['keys', 'create', '--email', 'dev@example.com'],
        ['keys', 'update', id],
      ]) {
        const run = await cli(...command, ...args);
        assert.equal(run.exitCode, 1, [...command, ...args].join(' '));
        assert.match(run.stderr, message, args.join(' '));
      }
    }
    const refused = await cli('keys', 'update', id, '--rpm', '9', '--expires-at', 'yesterday');
    assert.equal(refused.exitCode, 1);
    assert.deepEqual(await listed(), before, 'nothing stored changed');
  });
});
