import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptLog } from './attempt-log.js';
import { FallbackAttemptLog } from './fallback-attempt-log.js';
import { MemoryAttemptLog } from './memory-attempt-log.js';

/** A log that fails at once (or only after 200 ms, past the deadline) while `down` is set; otherwise a memory log. */
function flaky(mode: 'fail' | 'hang') {
  const inner = new MemoryAttemptLog({ now: () => 0 });
  const state = { down: false };
  const gate = <T>(run: () => Promise<T>): Promise<T> =>
    !state.down
      ? run()
      : mode === 'fail'
        ? Promise.reject(new Error('ECONNREFUSED'))
        : new Promise<T>((_, reject) => setTimeout(() => reject(new Error('too late')), 200));
  const log: AttemptLog = {
    take: (rules) => gate(() => inner.take(rules)),
    giveBack: (key, id) => gate(() => inner.giveBack(key, id)),
    clear: (key) => gate(() => inner.clear(key)),
  };
  return { log, state };
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (_: unknown, message: string) => lines.push(`warn ${message}`),
      info: (_: unknown, message: string) => lines.push(`info ${message}`),
    },
  };
}

describe('FallbackAttemptLog', () => {
  for (const mode of ['fail', 'hang'] as const) {
    it(`counts locally while the shared log ${mode === 'fail' ? 'fails' : 'does not answer'}, saying so once, and returns after`, async () => {
      const primary = flaky(mode);
      const { lines, logger } = recorder();
      const log = new FallbackAttemptLog({ primary: primary.log, local: new MemoryAttemptLog({ now: () => 0 }), logger, timeoutMs: 20 });
      const rule = { key: 'k', limit: 2, windowMs: 1000 };
      assert.equal((await log.take([rule])).allowed, true);
      primary.state.down = true;
      assert.equal((await log.take([rule])).allowed, true);
      assert.equal(log.degraded, true);
      assert.equal((await log.take([rule])).allowed, true);
      assert.equal((await log.take([rule])).allowed, false, 'the local log holds its own limit');
      primary.state.down = false;
      assert.equal((await log.take([rule])).allowed, true, 'back on the shared log, which held one attempt');
      assert.equal(log.degraded, false);
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? '', /^warn /);
      assert.match(lines[1] ?? '', /^info /);
    });
  }

  it('gives back and clears in both logs', async () => {
    const primary = new MemoryAttemptLog({ now: () => 0 });
    const local = new MemoryAttemptLog({ now: () => 0 });
    const log = new FallbackAttemptLog({ primary, local, logger: recorder().logger });
    const rule = { key: 'k', limit: 1, windowMs: 1000 };
    const taken = await local.take([rule]);
    assert.ok(taken.allowed);
    await log.giveBack('k', taken.id);
    assert.equal((await local.take([rule])).allowed, true);
    await log.clear('k');
    assert.equal((await local.take([rule])).allowed, true);
  });
});
