/** @module The BYOK credentials watch reloads once per change of the store's signal, and reports failed reloads. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { watchCredentials } from './credentials-watch.js';

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

test('reloads once each time the store changed, not while it stays the same, and not after stop', async () => {
  let version = 1;
  let reloads = 0;
  const stop = watchCredentials({
    dataVersion: () => version,
    reload: async () => {
      reloads += 1;
    },
    intervalMs: 250,
    onError: () => assert.fail('no failure expected'),
  });
  mock.timers.tick(250);
  assert.equal(reloads, 0);
  version = 2;
  mock.timers.tick(250);
  mock.timers.tick(250);
  assert.equal(reloads, 1);
  stop();
  version = 3;
  mock.timers.tick(250);
  assert.equal(reloads, 1);
});

test('a failed reload is reported', async () => {
  let version = 1;
  const failures: unknown[] = [];
  const stop = watchCredentials({
    dataVersion: () => version,
    reload: () => Promise.reject(new Error('store unavailable')),
    intervalMs: 250,
    onError: (error) => failures.push(error),
  });
  version = 2;
  mock.timers.tick(250);
  await new Promise((resolve) => setImmediate(resolve));
  stop();
  assert.equal(failures.length, 1);
  assert.match(String(failures[0]), /store unavailable/);
});
