/**
 * @module What a store tells the key cache about writes to `api_keys` and `accounts`: which key hashes or account
 * ids changed, committed by anyone (this process, another instance, the CLI). Targeted, so a cache holding a few
 * recently used keys out of millions drops just those entries; "all" only when a notice may have been lost.
 *
 * Both dialects implement it from migration 0010: PostgreSQL pushes NOTIFY payloads (`postgres-changes.ts`), SQLite
 * appends to a `key_changes` table read whenever `PRAGMA data_version` moves (`sqlite-key-changes.ts`).
 */

/** One announced change. A key hash is announced for every insert, update or delete of its row. */
export type KeyChange =
  | { readonly kind: 'keys'; readonly keyHashes: readonly string[] }
  | { readonly kind: 'accounts'; readonly accountIds: readonly string[] }
  /** Anything may have changed: a bulk statement, or notices were missed (a lost connection, a trimmed log). */
  | { readonly kind: 'all' };

/** Receives changes in commit order; must not throw (it is called from the store's connection events). */
export type KeyChangeListener = (change: KeyChange) => void;

/** The change notices of one store. */
export interface KeyChangeFeed {
  /**
   * Adds a listener and resolves, with a function that removes it, once listening: every change committed after
   * the promise resolves reaches the listener (or an `all` covering it).
   */
  listen(listener: KeyChangeListener): Promise<() => void>;
  /** Resolves once every change committed before the call has reached the listeners. One query at most. */
  catchUp(): Promise<void>;
  /**
   * Whether changes may be waiting for a {@link catchUp}: synchronous and cheap enough to ask before refusing an
   * unknown key. SQLite: `data_version` moved since the last read. PostgreSQL: always, since a notice committed an
   * instant ago may still be on its way to the listening connection (the client that was handed the new key can
   * be faster); its `catchUp` is one shared round trip on that connection.
   */
  mayBeBehind(): boolean;
  /**
   * Whether other processes' writes are learned only when asked (SQLite): the key cache then checks
   * {@link mayBeBehind} on a timer. False where notices are pushed (PostgreSQL).
   */
  readonly polled: boolean;
}
