/**
 * @module The {@link AttemptLog} of one process: a map from key to its attempts, oldest first. JavaScript runs
 * `take` to completion before any other call, so check-and-record is atomic without locks. Keys whose attempts
 * have all left their window are dropped on use, and swept once the map grows past a threshold, so memory follows
 * the attempts of the last window, not every address ever seen.
 */
import { randomUUID } from 'node:crypto';
import type { AttemptLog, AttemptRule, TakeResult } from './attempt-log.js';

/** Options of a {@link MemoryAttemptLog}. */
export interface MemoryAttemptLogOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Above this many keys, expired ones are swept on the next `take`; defaults to 10,000. */
  sweepThreshold?: number;
}

interface Attempt {
  at: number;
  id: string;
}

interface Window {
  /** Oldest first. */
  attempts: Attempt[];
  windowMs: number;
}

/** Attempt windows in this process's memory. */
export class MemoryAttemptLog implements AttemptLog {
  readonly #now: () => number;
  readonly #sweepThreshold: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: MemoryAttemptLogOptions) {
    this.#now = options.now;
    this.#sweepThreshold = options.sweepThreshold ?? 10_000;
  }

  async take(rules: readonly AttemptRule[]): Promise<TakeResult> {
    const now = this.#now();
    if (this.#windows.size >= this.#sweepThreshold) this.#sweep(now);
    let waitMs = 0;
    for (const rule of rules) {
      const live = this.#live(rule.key, rule.windowMs, now);
      if (live.length >= rule.limit) {
        const oldest = live[live.length - rule.limit]?.at ?? now;
        waitMs = Math.max(waitMs, oldest + rule.windowMs - now);
      }
    }
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    const id = randomUUID();
    for (const rule of rules) {
      const window = this.#windows.get(rule.key);
      if (window === undefined) this.#windows.set(rule.key, { attempts: [{ at: now, id }], windowMs: rule.windowMs });
      else {
        window.attempts.push({ at: now, id });
        window.windowMs = rule.windowMs;
      }
    }
    return { allowed: true, id };
  }

  async giveBack(key: string, id: string): Promise<void> {
    const window = this.#windows.get(key);
    if (window === undefined) return;
    const index = window.attempts.findIndex((attempt) => attempt.id === id);
    if (index !== -1) window.attempts.splice(index, 1);
    if (window.attempts.length === 0) this.#windows.delete(key);
  }

  async clear(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** The attempts of `key` still in a window of `windowMs` at `now`, pruning the others. */
  #live(key: string, windowMs: number, now: number): readonly Attempt[] {
    const window = this.#windows.get(key);
    if (window === undefined) return [];
    const firstLive = window.attempts.findIndex((attempt) => attempt.at > now - windowMs);
    if (firstLive === -1) {
      this.#windows.delete(key);
      return [];
    }
    if (firstLive > 0) window.attempts.splice(0, firstLive);
    return window.attempts;
  }

  #sweep(now: number): void {
    for (const [key, window] of [...this.#windows]) this.#live(key, window.windowMs, now);
  }
}
