import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Command } from 'commander';
import { createKeysService, DEFAULT_MAX_KEYS_PER_ACCOUNT, hashApiKey, looksLikeApiKey } from '../auth/index.js';
import { createStore } from '../store/index.js';
import { registerAccountCommands } from './accounts.js';
import { registerKeyCommands } from './keys.js';
import type { OpenStore } from './store-command.js';
import { parseJsonObject, parseJsonObjects, runCli, type CliRun } from './testing.js';

function registerAll(program: Command, openStore: OpenStore): void {
  registerAccountCommands(program, openStore);
  registerKeyCommands(program, openStore);
}

describe('originalpoint keys', () => {
  let dataDir: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(registerAll, dataDir, args);

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-cli-'));
    await cli('accounts', 'create', '--email', 'dev@example.com');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key, printing the secret once, and stores only its hash', async () => {
    const args = ['keys', 'create', '--email', 'dev@example.com', '--name', 'ci', '--routing', 'cost', '--json'];
    const run = await cli(...args);
    assert.equal(run.exitCode, 0);
    const created = parseJsonObject(run.stdout);
    const secret = created['key'];
    assert.ok(typeof secret === 'string' && looksLikeApiKey(secret));
    assert.equal(created['name'], 'ci');
    assert.equal(created['routing'], 'cost');
    assert.equal(created['last4'], secret.slice(-4));
    assert.match(String(created['id']), /^key_/);

    const store = createStore({ dataDir });
    try {
      const rows = await store.db.selectFrom('apiKeys').select(['keyHash']).execute();
      assert.deepEqual(rows, [{ keyHash: hashApiKey(secret) }]);
    } finally {
      await store.close();
    }

    const listed = await cli('keys', 'list', '--email', 'dev@example.com');
    assert.ok(!listed.stdout.includes(secret));
  });

  it('refuses a key past the cap of 100 per account with a clear message and exit code 1', async () => {
    const store = createStore({ dataDir });
    try {
      const keys = createKeysService({ db: store.db });
      for (let i = 0; i < DEFAULT_MAX_KEYS_PER_ACCOUNT; i++) await keys.createKey({ email: 'dev@example.com', name: `k${i}` });
    } finally {
      await store.close();
    }
    const run = await cli('keys', 'create', '--email', 'dev@example.com');
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /at most 100 active keys; revoke one/);
  });

  it('creates a key with a spend cap, stored and listed', async () => {
    const run = await cli('keys', 'create', '--email', 'dev@example.com', '--spend-cap-usd', '12.5', '--json');
    assert.equal(run.exitCode, 0);
    const created = parseJsonObject(run.stdout);
    assert.equal(created['spendCapUsd'], 12.5);
    const listed = parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);
    assert.deepEqual(
      listed.map((key) => key['spendCapUsd']),
      [12.5],
    );
    const uncapped = parseJsonObject((await cli('keys', 'create', '--email', 'dev@example.com', '--json')).stdout);
    assert.equal(uncapped['spendCapUsd'], null);
  });

  it('prints the secret on its own line in text mode', async () => {
    const run = await cli('keys', 'create', '--email', 'dev@example.com');
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^Created key key_\w+ "default"$/);
    assert.ok(looksLikeApiKey(lines[1] ?? ''));
  });

  it('lists, revokes and rotates', async () => {
    const first = parseJsonObject((await cli('keys', 'create', '--email', 'dev@example.com', '--json')).stdout);
    const firstId = String(first['id']);

    const rotated = await cli('keys', 'rotate', firstId, '--json');
    assert.equal(rotated.exitCode, 0);
    const second = parseJsonObject(rotated.stdout);
    assert.equal(second['rotatedFrom'], firstId);
    assert.ok(typeof second['key'] === 'string' && looksLikeApiKey(second['key']));
    assert.notEqual(second['key'], first['key']);

    const revoked = await cli('keys', 'revoke', String(second['id']));
    assert.equal(revoked.exitCode, 0);
    assert.match(revoked.stdout, /^Revoked key key_\w+ "default" at \d{4}-/);

    const listed = parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);
    assert.deepEqual(
      listed.map((key) => key['status']),
      ['revoked', 'revoked'],
    );
    const table = (await cli('keys', 'list', '--email', 'dev@example.com')).stdout.split('\n');
    assert.match(table[0] ?? '', /^ID\s+NAME\s+LAST4\s+STATUS\s+ROUTING\s+BUDGET\s+MODELS\s+EXPIRES\s+CREATED$/);
    assert.equal(table.filter((line) => line.includes(' revoked ')).length, 2);
  });

  it('sets, changes and clears default provider preferences, checked against the catalog, and keeps them on rotation', async () => {
    const provider = '{"order":["Groq","deepinfra"],"max_price":{"prompt":"1"}}';
    const created = await cli('keys', 'create', '--email', 'dev@example.com', '--provider', provider, '--json');
    assert.equal(created.exitCode, 0, created.stderr);
    const key = parseJsonObject(created.stdout);
    assert.deepEqual(key['provider'], { order: ['groq', 'deepinfra'], max_price: { prompt: 1 } });
    const id = String(key['id']);

    const updated = parseJsonObject((await cli('keys', 'update', id, '--provider', '{"sort":"price"}', '--routing', 'latency', '--json')).stdout);
    assert.deepEqual(updated['provider'], { sort: 'price' }, 'the whole object is replaced');
    assert.equal(updated['routing'], 'latency');
    const renamed = parseJsonObject((await cli('keys', 'update', id, '--name', 'ci', '--json')).stdout);
    assert.deepEqual(renamed['provider'], { sort: 'price' }, 'what is not given is kept');
    assert.equal(renamed['name'], 'ci');

    const rotated = parseJsonObject((await cli('keys', 'rotate', id, '--json')).stdout);
    const listed = parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);
    assert.deepEqual(listed.find((entry) => entry['id'] === rotated['id'])?.['provider'], { sort: 'price' });

    const cleared = await cli(
      'keys',
      'update',
      String(rotated['id']),
      '--provider',
      'none',
      '--routing',
      'none',
      '--spend-cap-usd',
      'none',
      '--json',
    );
    const after = parseJsonObject(cleared.stdout);
    assert.equal(after['provider'], null);
    assert.equal(after['routing'], null);
    assert.equal(after['spendCapUsd'], null);
    assert.match((await cli('keys', 'update', id, '--name', 'x')).stdout, /^Updated key key_\w+ "x"\n$/);
  });

  it('sets, keeps on rotation and clears a default response-cache lifetime; refuses one out of range', async () => {
    const created = parseJsonObject((await cli('keys', 'create', '--email', 'dev@example.com', '--cache-ttl', '600', '--json')).stdout);
    assert.equal(created['responseCacheTtlSeconds'], 600);
    const id = String(created['id']);
    assert.equal(parseJsonObject((await cli('keys', 'update', id, '--cache-ttl', '120', '--json')).stdout)['responseCacheTtlSeconds'], 120);
    const rotated = parseJsonObject((await cli('keys', 'rotate', id, '--json')).stdout);
    const listed = parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);
    assert.equal(listed.find((entry) => entry['id'] === rotated['id'])?.['responseCacheTtlSeconds'], 120);
    const cleared = parseJsonObject((await cli('keys', 'update', String(rotated['id']), '--cache-ttl', 'none', '--json')).stdout);
    assert.equal(cleared['responseCacheTtlSeconds'], null);

    for (const value of ['0', '1.5', 'soon']) {
      const run = await cli('keys', 'create', '--email', 'dev@example.com', '--cache-ttl', value);
      assert.equal(run.exitCode, 1, value);
      assert.match(run.stderr, /whole number of at least 1/);
    }
    const tooLong = await cli('keys', 'update', id, '--cache-ttl', '2592001');
    assert.equal(tooLong.exitCode, 1);
    assert.match(tooLong.stderr, /cache lifetime must be a whole number of seconds from 1 to 2592000/);
  });

  it('refuses provider preferences naming an unknown provider, bad JSON or a bad field, with exit code 1', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"ignore":["together"]}', /Unknown provider `together` in `provider.ignore`; this gateway's providers are: anthropic, deepinfra/],
      ['{"order":', /expected a JSON object/],
      ['{"sort":"fastest"}', /sort: /],
      ['{"max_price":{"prompt":-2}}', /`provider.max_price.prompt` must be a non-negative price/],
      ['{"zdr":true}', /`provider.zdr` is not supported/],
    ];
    for (const [value, message] of cases) {
      const run = await cli('keys', 'create', '--email', 'dev@example.com', '--provider', value);
      assert.equal(run.exitCode, 1, value);
      assert.match(run.stderr, message);
    }
    const listed = parseJsonObjects((await cli('keys', 'list', '--email', 'dev@example.com', '--json')).stdout);
    assert.equal(listed.length, 0, 'nothing was created');
    assert.equal((await cli('keys', 'update', 'key_missing', '--name', 'x')).exitCode, 1);
  });

  it('reports unknown emails and key ids as one-line errors with exit code 1', async () => {
    const cases = [
      ['keys', 'create', '--email', 'ghost@example.com'],
      ['keys', 'list', '--email', 'ghost@example.com'],
      ['keys', 'revoke', 'key_missing'],
      ['keys', 'rotate', 'key_missing'],
    ];
    for (const args of cases) {
      const run = await cli(...args);
      assert.equal(run.exitCode, 1, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^error: no (account with email ghost@example\.com|key with id key_missing)\n$/);
    }
  });

  it('refuses rotating a revoked key and bad option values', async () => {
    const created = parseJsonObject((await cli('keys', 'create', '--email', 'dev@example.com', '--json')).stdout);
    await cli('keys', 'revoke', String(created['id']));
    const rotate = await cli('keys', 'rotate', String(created['id']));
    assert.equal(rotate.exitCode, 1);
    assert.match(rotate.stderr, /^error: key key_\w+ is revoked and cannot be rotated\n$/);

    const routing = await cli('keys', 'create', '--email', 'dev@example.com', '--routing', 'fastest');
    assert.equal(routing.exitCode, 1);
    assert.match(routing.stderr, /cost, latency, reliability/);
    const cap = await cli('keys', 'create', '--email', 'dev@example.com', '--spend-cap-usd', '-3');
    assert.equal(cap.exitCode, 1);
    assert.match(cap.stderr, /non-negative amount in USD/);
  });
});
