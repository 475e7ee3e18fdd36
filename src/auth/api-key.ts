/** @module The API key secret: its format, generation and the hash stored in place of it. */
import { hash } from 'node:crypto';
import { randomBase62 } from './random.js';

/** Every secret starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = 'op_';

/** Random characters after the prefix: 40 × log2(62) ≈ 238 bits. */
export const API_KEY_RANDOM_LENGTH = 40;

const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH}}$`);

/** A new secret: `op_` followed by 40 uniformly random base62 characters. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(API_KEY_RANDOM_LENGTH);
}

/**
 * The lower-case hex SHA-256 of a secret; what `api_keys.key_hash` holds. A fast unsalted hash is enough here
 * because the secret has ~238 bits of entropy (unlike a password, it cannot be guessed).
 */
export function hashApiKey(secret: string): string {
  // The one-shot form: a third of `createHash(…).update(…).digest(…)`'s cost, and every `/v1` request pays it.
  return hash('sha256', secret, 'hex');
}

/** The last four characters of a secret, kept so users can tell their keys apart. */
export function last4(secret: string): string {
  return secret.slice(-4);
}

/** Whether a string has the shape of a secret this gateway issues (not whether such a key exists). */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}
