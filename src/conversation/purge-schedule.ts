/**
 * @module The periodic purge of stored responses past their retention: once when the server starts, then every
 * interval. Every instance runs its own; purges are safe to run at once (each frees only the rows it deleted), and
 * expired rows are unreadable before they are purged, so the interval only decides how long their bytes linger.
 * A purge still running when the next is due is not started twice, and `stop()` waits for it, so the store can be
 * closed right after.
 */
import type { ResponseStore } from './response-store.js';

export interface PurgeScheduleOptions {
  store: Pick<ResponseStore, 'purgeExpired'>;
  intervalMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Told about a purge that failed (the next one retries); the schedule keeps going. */
  onError: (error: unknown) => void;
}

/** A running schedule. */
export interface PurgeSchedule {
  /** Stops the timer and resolves once a purge in progress has finished. */
  stop(): Promise<void>;
}

/** Starts purging now and every `intervalMs` (the timer does not keep the process alive). */
export function startPurgeSchedule(options: PurgeScheduleOptions): PurgeSchedule {
  let running: Promise<void> | undefined;
  let stopped = false;
  const purge = (): void => {
    if (running !== undefined || stopped) return;
    running = options.store
      .purgeExpired(options.now())
      .then(() => undefined, options.onError)
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(purge, options.intervalMs);
  timer.unref();
  purge();
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
