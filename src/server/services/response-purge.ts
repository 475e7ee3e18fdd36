/**
 * @module Each instance deletes the Responses API's stored responses past their retention, now and every ten
 * minutes (they are unreadable from expiry on; the purge only reclaims the space).
 */
import { type ResponseStore, startPurgeSchedule } from '../../conversation/index.js';
import type { BackgroundFailureHandler } from './background-failures.js';

const RESPONSE_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** Starts the schedule; `close()` stops it once a purge under way has finished. */
export function startResponsePurge(responseStore: ResponseStore, failed: BackgroundFailureHandler): { close(): Promise<void> } {
  const schedule = startPurgeSchedule({
    store: responseStore,
    intervalMs: RESPONSE_PURGE_INTERVAL_MS,
    now: Date.now,
    onError: failed('response_purge', 'error', 'purging expired stored responses failed'),
  });
  return { close: () => schedule.stop() };
}
