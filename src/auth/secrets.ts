/**
 * @module Secrets at rest (BYOK provider keys): AES-256-GCM under a 32-byte master key. The key comes from
 * `OP_MASTER_KEY` (base64 or hex), else from `<dataDir>/master.key`, created once with mode 0600. Each secret gets a
 * fresh 96-bit nonce, and associated data binds the ciphertext to its owner (account and provider), so a row
 * copied onto another account's row does not decrypt.
 * @see https://nodejs.org/api/crypto.html#class-cipher
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (GCM, 96-bit IVs)
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SealedSecret } from '../store/index.js';

/** The key file's name inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A master key that is missing, malformed, or not the one the stored secrets were sealed with. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/**
 * Encrypts and decrypts with one master key. The key lives in a private field: it is not enumerable, not in
 * `JSON.stringify` output and not shown by `util.inspect`.
 */
export class SecretCipher {
  readonly #key: Buffer;
  /** A short public name of the key (hash-derived), stored beside each ciphertext; reveals nothing of the key. */
  readonly fingerprint: string;

  /** @throws {MasterKeyError} when `key` is not 32 bytes. */
  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new MasterKeyError(`the master key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
    this.fingerprint = createHash('sha256').update('originalpoint master key\0').update(key).digest('hex').slice(0, 16);
  }

  /** Encrypts `plaintext`, bound to `context` (e.g. `account:provider`), under a fresh random nonce. */
  seal(plaintext: string, context: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      ciphertext: ciphertext.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      keyFingerprint: this.fingerprint,
    };
  }

  /**
   * Decrypts a sealed secret.
   * @throws {MasterKeyError} when it was sealed under another key, or it (or its context) was tampered with.
   */
  open(sealed: SealedSecret, context: string): string {
    if (sealed.keyFingerprint !== this.fingerprint) {
      throw new MasterKeyError(`a secret was sealed with master key ${sealed.keyFingerprint}, but the configured key is ${this.fingerprint}`);
    }
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new MasterKeyError('a sealed secret is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new MasterKeyError('a sealed secret failed authentication (wrong key or tampered data)', { cause: error });
    }
  }
}

/** 32 fresh random bytes. */
export function generateMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The text form written to key files and printed for `OP_MASTER_KEY`: standard base64. */
export function encodeMasterKey(key: Buffer): string {
  return key.toString('base64');
}

/**
 * Parses a master key given as 64 hex digits or as base64 / base64url of 32 bytes (surrounding whitespace ignored).
 * @throws {MasterKeyError} naming `source` for anything else.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new MasterKeyError(`${source} must be ${KEY_BYTES} bytes as base64 (44 characters) or hex (64 digits)`);
}

/** Where a master key comes from. */
export interface MasterKeySource {
  /** The value of `OP_MASTER_KEY`, if set; it wins over the key file. */
  envValue?: string | undefined;
  /** The data directory holding `master.key`. */
  dataDir: string;
}

/** A loaded master key and where it came from. */
export interface LoadedMasterKey {
  cipher: SecretCipher;
  /** `env` for `OP_MASTER_KEY`, else the key file's path. */
  origin: 'env' | { file: string };
}

/**
 * The master key: `OP_MASTER_KEY` if set, else `<dataDir>/master.key`, which is created (mode 0600, exclusively,
 * so concurrent first starts agree on one key) when missing.
 * @throws {MasterKeyError} for a malformed key.
 */
export function loadMasterKey(source: MasterKeySource): LoadedMasterKey {
  if (source.envValue !== undefined && source.envValue !== '') {
    return { cipher: new SecretCipher(parseMasterKey(source.envValue, 'OP_MASTER_KEY')), origin: 'env' };
  }
  const file = join(source.dataDir, MASTER_KEY_FILE);
  const existing = readMasterKeyFile(file);
  if (existing !== undefined) return { cipher: new SecretCipher(existing), origin: { file } };
  mkdirSync(source.dataDir, { recursive: true, mode: 0o700 });
  try {
    writeMasterKeyFile(file, generateMasterKey(), 'wx');
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  }
  const created = readMasterKeyFile(file);
  if (created === undefined) throw new MasterKeyError(`could not create ${file}`);
  return { cipher: new SecretCipher(created), origin: { file } };
}

/** The key in a key file, or undefined when the file does not exist. @throws {MasterKeyError} when malformed. */
export function readMasterKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  return parseMasterKey(text, file);
}

/** Writes a key file readable only by its owner. `flag` `wx` fails if the file exists; `w` replaces it. */
export function writeMasterKeyFile(file: string, key: Buffer, flag: 'w' | 'wx'): void {
  writeFileSync(file, `${encodeMasterKey(key)}\n`, { mode: 0o600, flag });
  // The mode applies only to a newly created file and is reduced by the umask; make it exact either way.
  chmodSync(file, 0o600);
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
