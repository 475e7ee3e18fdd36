import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encodeMasterKey, generateMasterKey, loadMasterKey, MasterKeyError, parseMasterKey, SecretCipher } from './secrets.js';

describe('SecretCipher', () => {
  const cipher = new SecretCipher(generateMasterKey());

  it('round-trips, with a fresh nonce each time', () => {
    const a = cipher.seal('sk-secret-value', 'ctx');
    const b = cipher.seal('sk-secret-value', 'ctx');
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.equal(cipher.open(a, 'ctx'), 'sk-secret-value');
    assert.equal(Buffer.from(a.iv, 'base64').length, 12);
    assert.equal(Buffer.from(a.tag, 'base64').length, 16);
    assert.ok(!a.ciphertext.includes('secret'));
  });

  it('refuses another context (row swapped between accounts), a tampered ciphertext or tag, and another key', () => {
    const sealed = cipher.seal('sk-secret-value', 'provider_credentials:acct_a:openai');
    assert.throws(() => cipher.open(sealed, 'provider_credentials:acct_b:openai'), MasterKeyError);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assert.throws(() => cipher.open({ ...sealed, ciphertext: flipped.toString('base64') }, 'provider_credentials:acct_a:openai'), MasterKeyError);
    assert.throws(() => cipher.open({ ...sealed, tag: Buffer.alloc(16).toString('base64') }, 'provider_credentials:acct_a:openai'), MasterKeyError);
    const other = new SecretCipher(generateMasterKey());
    assert.throws(() => other.open(sealed, 'provider_credentials:acct_a:openai'), /sealed with master key/);
  });

  it('never shows the key when inspected or serialized', () => {
    const key = generateMasterKey();
    const shown = `${inspect(new SecretCipher(key), { showHidden: true, depth: 5 })}${JSON.stringify(new SecretCipher(key))}`;
    assert.ok(!shown.includes(key.toString('base64')));
    assert.ok(!shown.includes(key.toString('hex')));
  });

  it('rejects keys that are not 32 bytes', () => {
    assert.throws(() => new SecretCipher(Buffer.alloc(16)), MasterKeyError);
  });
});

describe('parseMasterKey', () => {
  const key = generateMasterKey();
  it('accepts base64, base64url and hex, ignoring surrounding whitespace', () => {
    assert.deepEqual(parseMasterKey(`${encodeMasterKey(key)}\n`, 'x'), key);
    assert.deepEqual(parseMasterKey(key.toString('base64url'), 'x'), key);
    assert.deepEqual(parseMasterKey(` ${key.toString('hex').toUpperCase()} `, 'x'), key);
  });
  it('rejects anything else, naming the source', () => {
    for (const bad of ['', 'abc', key.toString('hex').slice(2), Buffer.alloc(31).toString('base64'), `${encodeMasterKey(key)}xx`]) {
      assert.throws(() => parseMasterKey(bad, 'OP_MASTER_KEY'), /OP_MASTER_KEY must be 32 bytes/);
    }
  });
});

describe('loadMasterKey', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-secrets-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates <dataDir>/master.key once, mode 0600, and reuses it', () => {
    const nested = path.join(dataDir, 'sub');
    const first = loadMasterKey({ dataDir: nested });
    const file = path.join(nested, 'master.key');
    assert.deepEqual(first.origin, { file });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const second = loadMasterKey({ dataDir: nested });
    assert.equal(second.cipher.fingerprint, first.cipher.fingerprint);
  });

  it('prefers OP_MASTER_KEY and then writes no file; an empty value means unset', () => {
    const key = generateMasterKey();
    const loaded = loadMasterKey({ dataDir, envValue: key.toString('hex') });
    assert.equal(loaded.origin, 'env');
    assert.equal(loaded.cipher.fingerprint, new SecretCipher(key).fingerprint);
    assert.equal(fs.existsSync(path.join(dataDir, 'master.key')), false);
    assert.deepEqual(loadMasterKey({ dataDir, envValue: '' }).origin, { file: path.join(dataDir, 'master.key') });
  });

  it('reports a malformed key file or variable', () => {
    fs.writeFileSync(path.join(dataDir, 'master.key'), 'not a key\n');
    assert.throws(() => loadMasterKey({ dataDir }), MasterKeyError);
    assert.throws(() => loadMasterKey({ dataDir, envValue: 'nope' }), /OP_MASTER_KEY/);
  });
});
