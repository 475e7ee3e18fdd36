import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { registerAccountCommands } from './accounts.js';
import { parseJsonObject, runCli } from './testing.js';

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
    const run = await runCli(registerAccountCommands, dataDir, [
      'accounts',
      'create',
      '--email',
      'pro@example.com',
      '--plan',
      'pro',
      '--json',
    ]);
    const printed = parseJsonObject(run.stdout);
    assert.deepEqual(Object.keys(printed).sort(), ['createdAt', 'email', 'id', 'plan']);
    assert.equal(printed['plan'], 'pro');
    assert.equal(printed['email'], 'pro@example.com');
  });

  it('reports a duplicate email on stderr with exit code 1 and no stack', async () => {
    await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'dup@example.com']);
    const run = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'dup@example.com']);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'error: an account with email dup@example.com already exists\n');
  });

  it('refuses an unknown plan and a malformed email', async () => {
    const plan = await runCli(registerAccountCommands, dataDir, [
      'accounts',
      'create',
      '--email',
      'a@b.co',
      '--plan',
      'gold',
    ]);
    assert.equal(plan.exitCode, 1);
    assert.match(plan.stderr, /gold.*free, pro, enterprise/);
    const email = await runCli(registerAccountCommands, dataDir, ['accounts', 'create', '--email', 'nope']);
    assert.equal(email.exitCode, 1);
    assert.equal(email.stderr, 'error: invalid email address: "nope"\n');
  });
});
