/** @module Public identifiers of accounts, keys and provider credentials: a type prefix and 24 random base62 characters. */
import { randomBase62 } from './random.js';

const ID_RANDOM_LENGTH = 24;

/** A new account id, `acct_…`. */
export function newAccountId(): string {
  return `acct_${randomBase62(ID_RANDOM_LENGTH)}`;
}

/** A new API key id, `key_…`. Shown to users and safe to log; it is not the secret. */
export function newKeyId(): string {
  return `key_${randomBase62(ID_RANDOM_LENGTH)}`;
}

/** A new provider credential id, `pk_…`. */
export function newProviderCredentialId(): string {
  return `pk_${randomBase62(ID_RANDOM_LENGTH)}`;
}
