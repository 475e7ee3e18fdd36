import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { startPurgeSchedule } from './purge-schedule.js';

/** A store whose purges finish when the test says so. */
function fakeStore() {
  const calls: number[] = [];
  const pending: (() => void)[] = [];
  let failNext = false;
  return {
    calls,
    finishAll(): void {
      for (const finish of pending.splice(0)) finish();
    },
    failOnce(): void {
      failNext = true;
    },
    purgeExpired(now: number): Promise<number> {
      calls.push(now);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database gone'));
      }
      return new Promise((resolve) => pending.push(() => resolve(0)));
    },
  };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('startPurgeSchedule', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('purges at start and every interval with the current time, never two at once', async () => {
    const store = fakeStore();
    let now = 1_000;
    const schedule = startPurgeSchedule({ store, intervalMs: 60_000, now: () => now, onError: () => assert.fail('no error') });
    assert.deepEqual(store.calls, [1_000]);
    now = 61_000;
    mock.timers.tick(60_000);
    assert.deepEqual(store.calls, [1_000], 'the first purge is still running');
    store.finishAll();
    await flush();
    now = 121_000;
    mock.timers.tick(60_000);
    assert.deepEqual(store.calls, [1_000, 121_000]);
    store.finishAll();
    await schedule.stop();
    mock.timers.tick(600_000);
    assert.equal(store.calls.length, 2);
  });

  it('reports a failed purge and tries again at the next interval', async () => {
    const store = fakeStore();
    const errors: unknown[] = [];
    store.failOnce();
    const schedule = startPurgeSchedule({ store, intervalMs: 1_000, now: () => 0, onError: (error) => errors.push(error) });
    await flush();
    assert.equal((errors[0] as Error | undefined)?.message, 'database gone');
    mock.timers.tick(1_000);
    assert.equal(store.calls.length, 2);
    store.finishAll();
    await schedule.stop();
  });

  it('waits for the purge in progress when stopped', async () => {
    const store = fakeStore();
    const schedule = startPurgeSchedule({ store, intervalMs: 1_000, now: () => 0, onError: () => undefined });
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await flush();
    assert.equal(stopped, false);
    store.finishAll();
    await stopping;
    assert.equal(stopped, true);
  });
});
