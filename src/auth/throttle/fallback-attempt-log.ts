/**
 * @module Keeps the throttles working while Redis does not answer: every call goes to the shared log under a short
 * deadline; one that fails or times out is served by a log in this process instead (so a login still gets a clear
 * answer, never a 500), with one warning when that starts and one note when Redis answers again. While degraded,
 * each instance counts on its own: the limits hold per instance rather than across them.
 *
 * A give-back goes to both logs, since an attempt may have been recorded in either; removing an id a log does not
 * hold changes nothing.
 */
import { withTimeout } from '../../limits/redis/with-timeout.js';
import type { AttemptLog, AttemptRule, TakeResult } from './attempt-log.js';

/** Where the fallback reports going degraded and coming back (pino's loggers fit). */
export interface AttemptLogLogger {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

/** What a {@link FallbackAttemptLog} needs. */
export interface FallbackAttemptLogOptions {
  primary: AttemptLog;
  local: AttemptLog;
  logger: AttemptLogLogger;
  /** How long a primary call may take before the local log answers instead; defaults to 1 s. */
  timeoutMs?: number;
}

/** The shared log, or this process's while the shared one fails. */
export class FallbackAttemptLog implements AttemptLog {
  readonly #primary: AttemptLog;
  readonly #local: AttemptLog;
  readonly #logger: AttemptLogLogger;
  readonly #timeoutMs: number;
  #degraded = false;

  constructor(options: FallbackAttemptLogOptions) {
    this.#primary = options.primary;
    this.#local = options.local;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 1000;
  }

  /** True while the last primary call failed. */
  get degraded(): boolean {
    return this.#degraded;
  }

  take(rules: readonly AttemptRule[]): Promise<TakeResult> {
    return this.#call('throttle take', (log) => log.take(rules));
  }

  async giveBack(key: string, id: string): Promise<void> {
    await Promise.all([this.#call('throttle give-back', (log) => log.giveBack(key, id)), this.#local.giveBack(key, id)]);
  }

  async clear(key: string): Promise<void> {
    await Promise.all([this.#call('throttle clear', (log) => log.clear(key)), this.#local.clear(key)]);
  }

  async #call<T>(operation: string, run: (log: AttemptLog) => Promise<T>): Promise<T> {
    try {
      const result = await withTimeout(run(this.#primary), this.#timeoutMs, operation);
      if (this.#degraded) {
        this.#degraded = false;
        this.#logger.info({}, 'redis answers again: throttles are shared across instances again');
      }
      return result;
    } catch (err) {
      if (!this.#degraded) {
        this.#degraded = true;
        this.#logger.warn({ err }, 'redis unavailable: throttles count per instance until it answers');
      }
      return run(this.#local);
    }
  }
}
