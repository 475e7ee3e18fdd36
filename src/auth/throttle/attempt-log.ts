/**
 * @module The store behind the dashboard's throttles: sliding windows of attempts, counted *before* the work they
 * guard. `take` checks every window and records the attempt in all of them in one atomic step, so N concurrent
 * attempts against a window with room for 5 let exactly 5 through (checking, then awaiting a password hash, then
 * recording let all N through). A window that was counted for nothing can be given back (`giveBack`, `clear`).
 *
 * Two implementations run the same contract (`attempt-log.contract.test.ts`): {@link MemoryAttemptLog} for one
 * process, `RedisAttemptLog` (one Lua script) when instances share Redis.
 */

/** At most `limit` attempts under `key` in any `windowMs`. */
export interface AttemptRule {
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** An attempt recorded under every rule's key (with this id), or refused with the wait until all have room. */
export type TakeResult = { readonly allowed: true; readonly id: string } | { readonly allowed: false; readonly retryAfterMs: number };

/** Sliding windows of attempts; see the module comment. */
export interface AttemptLog {
  /**
   * When every rule's window has room, records one attempt under each key and answers its id; otherwise records
   * nothing and answers how long until the fullest window has room.
   */
  take(rules: readonly AttemptRule[]): Promise<TakeResult>;
  /** Removes one recorded attempt from `key`'s window (an attempt that turned out not to count). */
  giveBack(key: string, id: string): Promise<void>;
  /** Forgets every attempt recorded under `key`. */
  clear(key: string): Promise<void>;
}
