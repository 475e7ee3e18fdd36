import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  createAccountsService,
  credentialContext,
  encodeMasterKey,
  generateMasterKey,
  loadMasterKey,
  MasterKeyError,
  ProviderCredentialsService,
  readMasterKeyFile,
  resealAllCredentials,
  SecretCipher,
  writeMasterKeyFile,
} from '../auth/index.js';
import { createStore, listAllProviderCredentials, migrateToLatest, type ProviderCredentialRecord } from '../store/index.js';
import { registerRotateMasterKeyCommand, type MasterKeyLocation } from './rotate-master-key.js';
import { runCli, type CliRun } from './testing.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';
const ANTHROPIC_KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';
const formats = new Map([
  ['openai', /^sk-/],
  ['anthropic', /^sk-ant-/],
]);

describe('originalpoint rotate-master-key', () => {
  let dataDir: string;
  let keyFile: string;
  let accountId: string;

  const cli = (location: Partial<MasterKeyLocation>, ...args: string[]): Promise<CliRun> =>
    runCli(
      (program, openStore) => registerRotateMasterKeyCommand(program, openStore, () => ({ dataDir, envValue: undefined, ...location })),
      dataDir,
      ['rotate-master-key', ...args],
    );

  /** Seeds two credentials sealed under `cipher`. */
  async function seed(cipher: SecretCipher): Promise<void> {
    const store = createStore({ dataDir });
    try {
      await migrateToLatest(store.db);
      accountId = (await createAccountsService({ db: store.db }).createAccount({ email: 'owner@example.com' })).id;
      const service = new ProviderCredentialsService({ db: store.db, cipher, formats });
      await service.add(accountId, 'openai', OPENAI_KEY);
      await service.add(accountId, 'anthropic', ANTHROPIC_KEY);
    } finally {
      await store.close();
    }
  }

  async function rows(): Promise<ProviderCredentialRecord[]> {
    const store = createStore({ dataDir });
    try {
      return await listAllProviderCredentials(store.db);
    } finally {
      await store.close();
    }
  }

  /** The keys a fresh service with `cipher` decrypts for the account. */
  async function decryptWith(cipher: SecretCipher): Promise<ReadonlyMap<string, string>> {
    const store = createStore({ dataDir });
    try {
      const service = new ProviderCredentialsService({ db: store.db, cipher, formats });
      await service.load();
      return service.keysForAccount(accountId);
    } finally {
      await store.close();
    }
  }

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-rotate-'));
    keyFile = path.join(dataDir, 'master.key');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('with a key file: re-encrypts every credential, replaces the file (0600), and the old key decrypts nothing', async () => {
    const old = loadMasterKey({ dataDir }).cipher;
    await seed(old);
    const before = await rows();

    const run = await cli({});
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /Re-encrypted 2 provider key\(s\)/);
    assert.match(run.stdout, /Restart/);
    assert.ok(!run.stdout.includes(OPENAI_KEY));

    const newKey = readMasterKeyFile(keyFile);
    assert.ok(newKey !== undefined);
    const fresh = new SecretCipher(newKey);
    assert.notEqual(fresh.fingerprint, old.fingerprint);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.existsSync(`${keyFile}.new`), false);

    const after = await rows();
    for (const row of after) {
      assert.equal(row.keyFingerprint, fresh.fingerprint);
      assert.notEqual(row.ciphertext, before.find((b) => b.id === row.id)?.ciphertext);
    }
    assert.deepEqual(Object.fromEntries(await decryptWith(fresh)), { openai: OPENAI_KEY, anthropic: ANTHROPIC_KEY });
    await assert.rejects(decryptWith(old), MasterKeyError);
    // Even with the fingerprint check bypassed, the old key fails GCM authentication.
    const first = after[0];
    assert.ok(first !== undefined);
    const relabelled = { ...first, keyFingerprint: old.fingerprint };
    assert.throws(() => old.open(relabelled, credentialContext(accountId, first.provider)), /failed authentication/);
  });

  it('with OP_MASTER_KEY: re-encrypts and prints the new key to set; no key file is written', async () => {
    const oldKey = generateMasterKey();
    await seed(new SecretCipher(oldKey));
    const run = await cli({ envValue: oldKey.toString('hex') });
    assert.equal(run.exitCode, 0, run.stderr);
    const printed = /Set OP_MASTER_KEY to the new key before restarting: (\S+)/.exec(run.stdout)?.[1];
    assert.ok(printed !== undefined);
    const fresh = loadMasterKey({ dataDir, envValue: printed }).cipher;
    assert.deepEqual(Object.fromEntries(await decryptWith(fresh)), { openai: OPENAI_KEY, anthropic: ANTHROPIC_KEY });
    await assert.rejects(decryptWith(new SecretCipher(oldKey)), MasterKeyError);
    assert.equal(fs.existsSync(keyFile), false);
  });

  it('takes the new key from --new-key and does not print it', async () => {
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    await seed(new SecretCipher(oldKey));
    const run = await cli({ envValue: encodeMasterKey(oldKey) }, '--new-key', encodeMasterKey(newKey));
    assert.equal(run.exitCode, 0, run.stderr);
    assert.ok(!run.stdout.includes(encodeMasterKey(newKey)));
    assert.equal((await decryptWith(new SecretCipher(newKey))).get('openai'), OPENAI_KEY);
  });

  it('changes nothing when the current key is wrong', async () => {
    await seed(new SecretCipher(generateMasterKey()));
    const before = await rows();
    const run = await cli({ envValue: encodeMasterKey(generateMasterKey()) });
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /sealed with master key/);
    assert.deepEqual(await rows(), before);
  });

  it('refuses to run without the key file when credentials exist, and rejects a malformed --new-key', async () => {
    await seed(new SecretCipher(generateMasterKey()));
    const missing = await cli({});
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /master\.key is missing/);
    const malformed = await cli({}, '--new-key', 'short');
    assert.equal(malformed.exitCode, 1);
    assert.match(malformed.stderr, /--new-key must be 32 bytes/);
  });

  it('completes a rotation interrupted after the commit (rows already under master.key.new)', async () => {
    const old = loadMasterKey({ dataDir }).cipher;
    await seed(old);
    const next = generateMasterKey();
    writeMasterKeyFile(`${keyFile}.new`, next, 'wx');
    const store = createStore({ dataDir });
    await resealAllCredentials(store.db, old, new SecretCipher(next));
    await store.close();

    const run = await cli({});
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /Completed an interrupted rotation/);
    assert.deepEqual(readMasterKeyFile(keyFile), next);
    assert.equal((await decryptWith(new SecretCipher(next))).get('anthropic'), ANTHROPIC_KEY);
  });

  it('discards a stale master.key.new from a run that never committed', async () => {
    const old = loadMasterKey({ dataDir }).cipher;
    await seed(old);
    writeMasterKeyFile(`${keyFile}.new`, generateMasterKey(), 'wx');
    const run = await cli({});
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /Re-encrypted 2/);
    const fresh = new SecretCipher(readMasterKeyFile(keyFile) ?? Buffer.alloc(0));
    assert.equal((await decryptWith(fresh)).get('openai'), OPENAI_KEY);
  });
});
