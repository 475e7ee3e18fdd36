import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BloomFilter, bloomSize } from './bloom-filter.js';

const hashOf = (n: number): string => createHash('sha256').update(`key-${n}`).digest('hex');

describe('BloomFilter', () => {
  it('is sized as the textbook optimum: about 1.2 MB and 7 positions for a million entries at 1 %', () => {
    const size = bloomSize(1_000_000, 0.01);
    assert.equal(size.hashes, 7);
    assert.ok(Math.abs(size.bits / 8 - 1_198_132) < 10, `${size.bits / 8} bytes`);
    assert.equal(new BloomFilter(1_000_000, 0.01).byteLength, Math.ceil(size.bits / 32) * 4);
    assert.throws(() => bloomSize(0, 0.01), RangeError);
    assert.throws(() => bloomSize(10, 1), RangeError);
  });

  it('never forgets an entry, and at its capacity lets through about its false-positive rate of others', () => {
    const filter = new BloomFilter(20_000, 0.01);
    for (let n = 0; n < 20_000; n++) filter.add(hashOf(n));
    for (let n = 0; n < 20_000; n++) assert.equal(filter.mightContain(hashOf(n)), true);
    let falsePositives = 0;
    for (let n = 20_000; n < 70_000; n++) if (filter.mightContain(hashOf(n))) falsePositives += 1;
    const rate = falsePositives / 50_000;
    assert.ok(rate > 0.004 && rate < 0.02, `false-positive rate ${rate}`);
  });

  it('counts entries that set new bits, not repeats', () => {
    const filter = new BloomFilter(1000, 0.01);
    filter.add(hashOf(1));
    filter.add(hashOf(1));
    filter.add(hashOf(2));
    assert.equal(filter.added, 2);
  });

  it('places entries by its salt, so two instances do not share false positives', () => {
    const a = new BloomFilter(1000, 0.01, new Uint32Array([1, 2]));
    const b = new BloomFilter(1000, 0.01, new Uint32Array([3, 4]));
    for (let n = 0; n < 1000; n++) {
      a.add(hashOf(n));
      b.add(hashOf(n));
    }
    const positives = (filter: BloomFilter): number[] => {
      const found: number[] = [];
      for (let n = 1000; n < 40_000; n++) if (filter.mightContain(hashOf(n))) found.push(n);
      return found;
    };
    const [fromA, fromB] = [positives(a), new Set(positives(b))];
    assert.ok(fromA.length > 100);
    const shared = fromA.filter((n) => fromB.has(n)).length;
    assert.ok(shared < fromA.length / 10, `${shared} of ${fromA.length} false positives shared`);
  });
});
