/** @module Ids for requests, completions, ledger rows and leases: unique across processes, cheap on the hot path. */
import { randomBytes } from 'node:crypto';

/**
 * Returns a generator of `prefix` + 16 random hex digits fixed for the generator + a base-36 counter. 64 random
 * bits per generator keep ids apart across processes and restarts; the counter keeps them apart within one. It
 * costs a string concatenation per id, where a UUID costs random bytes and formatting.
 */
export function uniqueIdGenerator(prefix: string): () => string {
  const unique = prefix + randomBytes(8).toString('hex');
  let counter = 0;
  return () => unique + (counter++).toString(36);
}
