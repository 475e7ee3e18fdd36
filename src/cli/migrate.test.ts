import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { registerMigrateCommand } from './migrate.js';
import { runCli } from './testing.js';

describe('originalpoint migrate', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies migrations once and then reports the schema current', async () => {
    const first = await runCli(registerMigrateCommand, dataDir, ['migrate']);
    assert.equal(first.exitCode, 0);
    assert.match(first.stdout, /^Applied migration 0001-accounts-and-keys$/m);

    const second = await runCli(registerMigrateCommand, dataDir, ['migrate', '--json']);
    assert.deepEqual(JSON.parse(second.stdout), { applied: [] });
  });

  it('reports a store that cannot be opened as a one-line error', async () => {
    const blocked = path.join(dataDir, 'a-file');
    fs.writeFileSync(blocked, '');
    const run = await runCli(registerMigrateCommand, path.join(blocked, 'sub'), ['migrate']);
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /^error: .+\n$/);
  });
});
