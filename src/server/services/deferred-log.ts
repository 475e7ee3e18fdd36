/**
 * @module The app's logger for services built before the app: the app is built from them, so its logger exists only
 * afterwards. Until it is attached, messages are dropped (a failure that early fails the start anyway).
 */
import type { FastifyBaseLogger } from 'fastify';

/** Logs an error to the app's logger once it is attached. */
export class DeferredLog {
  private log: FastifyBaseLogger | undefined;

  attach(log: FastifyBaseLogger): void {
    this.log = log;
  }

  write(level: 'warn' | 'error', error: unknown, message: string): void {
    this.log?.[level]({ err: error }, message);
  }

  /**
   * A warning said at most once per `intervalMs`: for a dependency (a cache store, a span collector) whose every
   * failing call would otherwise add a line, while the gateway keeps answering without it.
   */
  throttledWarning(message: string, intervalMs = 60_000, now: () => number = Date.now): (error: unknown) => void {
    let warnedAt = Number.NEGATIVE_INFINITY;
    return (error) => {
      if (now() - warnedAt < intervalMs) return;
      warnedAt = now();
      this.write('warn', error, message);
    };
  }
}
