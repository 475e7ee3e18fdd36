/**
 * @module The {@link AttemptLog} contract suite, on an injected clock. Every implementation runs it; one is done
 * when it passes.
 *
 * @example
 * runAttemptLogContract('redis', (now) => new RedisAttemptLog({ redis, prefix, now }));
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptLog, AttemptRule } from './attempt-log.js';

/** Builds a fresh, empty log on the clock `now`. */
export type MakeAttemptLog = (now: () => number) => AttemptLog;

const WINDOW = 60_000;

/** Registers the contract suite for the log `make` builds. */
export function runAttemptLogContract(name: string, make: MakeAttemptLog): void {
  describe(`attempt log contract: ${name}`, () => {
    const setup = () => {
      const clock = { now: Date.UTC(2026, 0, 1) };
      return { clock, log: make(() => clock.now) };
    };
    const rule = (key: string, limit: number, windowMs = WINDOW): AttemptRule => ({ key, limit, windowMs });

    it('records up to the limit, then refuses until the oldest attempt leaves the window', async () => {
      const { clock, log } = setup();
      for (let i = 0; i < 3; i++) {
        assert.equal((await log.take([rule('a', 3)])).allowed, true);
        clock.now += 1000;
      }
      assert.deepEqual(await log.take([rule('a', 3)]), { allowed: false, retryAfterMs: WINDOW - 3000 });
      assert.equal((await log.take([rule('b', 3)])).allowed, true, 'other keys are counted apart');
      clock.now += WINDOW - 3000 - 1;
      assert.equal((await log.take([rule('a', 3)])).allowed, false);
      clock.now += 1;
      assert.equal((await log.take([rule('a', 3)])).allowed, true);
      assert.equal((await log.take([rule('a', 3)])).allowed, false, 'the freed place is taken again');
    });

    it('refused attempts are not recorded', async () => {
      const { clock, log } = setup();
      assert.equal((await log.take([rule('a', 1)])).allowed, true);
      for (let i = 0; i < 10; i++) assert.equal((await log.take([rule('a', 1)])).allowed, false);
      clock.now += WINDOW;
      assert.equal((await log.take([rule('a', 1)])).allowed, true);
    });

    it('takes a place in every window or in none, and waits for the fullest', async () => {
      const { clock, log } = setup();
      assert.equal((await log.take([rule('email', 2), rule('addr', 5, 2 * WINDOW)])).allowed, true);
      clock.now += 1000;
      assert.equal((await log.take([rule('email', 2), rule('addr', 5, 2 * WINDOW)])).allowed, true);
      clock.now += 1000;
      assert.deepEqual(await log.take([rule('email', 2), rule('addr', 5, 2 * WINDOW)]), { allowed: false, retryAfterMs: WINDOW - 2000 });
      // The refusal took nothing from the address window: 3 more fit there.
      for (let i = 0; i < 3; i++) assert.equal((await log.take([rule(`other${i}`, 2), rule('addr', 5, 2 * WINDOW)])).allowed, true);
      const full = await log.take([rule('fresh', 2), rule('addr', 5, 2 * WINDOW)]);
      assert.deepEqual(full, { allowed: false, retryAfterMs: 2 * WINDOW - 2000 });
      assert.equal((await log.take([rule('fresh', 2)])).allowed, true, 'nor from the other window of a refused take');
    });

    it('gives back one attempt by id, and clears a key', async () => {
      const { log } = setup();
      const first = await log.take([rule('a', 2), rule('b', 2)]);
      assert.ok(first.allowed);
      assert.equal((await log.take([rule('a', 2), rule('b', 2)])).allowed, true);
      assert.equal((await log.take([rule('a', 2)])).allowed, false);
      await log.giveBack('a', first.id);
      assert.equal((await log.take([rule('a', 2)])).allowed, true);
      assert.equal((await log.take([rule('b', 2)])).allowed, false, 'the other key keeps the attempt');
      await log.clear('b');
      assert.equal((await log.take([rule('b', 2)])).allowed, true);
      assert.equal((await log.take([rule('b', 2)])).allowed, true);
      await log.giveBack('unknown', 'no-such-id');
      await log.clear('unknown');
    });

    it('lets exactly the limit through when many attempts arrive at once', async () => {
      const { log } = setup();
      const results = await Promise.all(Array.from({ length: 50 }, () => log.take([rule('hot', 5), rule('addr', 20)])));
      assert.equal(results.filter((result) => result.allowed).length, 5);
      const ids = results.flatMap((result) => (result.allowed ? [result.id] : []));
      assert.equal(new Set(ids).size, 5, 'every recorded attempt has its own id');
    });
  });
}
