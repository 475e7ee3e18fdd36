import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlidingLog } from './sliding-log.js';

describe('SlidingLog', () => {
  it('counts an entry until exactly 60 s after it', () => {
    const log = new SlidingLog();
    log.add(1000, 3);
    log.prune(60_999);
    assert.deepEqual([log.count, log.total, log.oldestExpiresInMs(60_999)], [1, 3, 1]);
    assert.equal(log.isEmptyAt(61_000), true);
    assert.equal(log.isEmptyAt(60_999), false);
    log.prune(61_000);
    assert.deepEqual([log.count, log.total, log.oldestExpiresInMs(61_000)], [0, 0, 0]);
  });

  it('stays exact across compactions of a long-running window', () => {
    const log = new SlidingLog();
    const seqs: number[] = [];
    for (let t = 0; t < 600_000; t += 50) {
      log.prune(t);
      seqs.push(log.add(t, 2));
      assert.equal(log.count, Math.min(t / 50 + 1, 1200));
    }
    assert.equal(log.total, 2400);
    assert.equal(log.adjust(seqs.at(-1) as number, log.epoch, 0), true);
    assert.equal(log.adjust(seqs.at(-2) as number, new SlidingLog().epoch, 7), false, "another log's entry");
    assert.equal(log.adjust(seqs[0] as number, log.epoch, 5), false, 'long gone');
    assert.equal(log.total, 2398);
    log.prune(700_000);
    assert.deepEqual([log.count, log.total, log.isEmptyAt(700_000)], [0, 0, true]);
  });

  it('finds the wait until an amount fits, or null if it never can', () => {
    const log = new SlidingLog();
    log.add(0, 5);
    log.add(10_000, 3);
    log.add(20_000, 2);
    assert.equal(log.waitMs(0, 10, 30_000), 0);
    assert.equal(log.waitMs(4, 10, 30_000), 30_000);
    assert.equal(log.waitMs(6, 10, 30_000), 40_000);
    assert.equal(log.waitMs(10, 10, 30_000), 50_000);
    assert.equal(log.waitMs(11, 10, 30_000), null);
  });
});
