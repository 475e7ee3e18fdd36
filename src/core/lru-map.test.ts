import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('holds at most its capacity, dropping the least recently used and telling about it', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(2, (key) => evicted.push(key));
    map.set('a', 1);
    map.set('b', 2);
    assert.equal(map.get('a'), 1);
    map.set('c', 3);
    assert.deepEqual(evicted, ['b']);
    assert.equal(map.size, 2);
    assert.equal(map.has('b'), false);
    map.set('a', 10);
    map.set('d', 4);
    assert.deepEqual(evicted, ['b', 'c'], 'setting a again made it the most recent');
    assert.equal(map.get('a'), 10);
  });

  it('deletes and clears without reporting evictions, and refuses a capacity below 1', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(3, (key) => evicted.push(key));
    map.set('a', 1);
    assert.equal(map.delete('a'), true);
    assert.equal(map.delete('a'), false);
    map.set('b', 2);
    map.clear();
    assert.equal(map.size, 0);
    assert.deepEqual(evicted, []);
    assert.throws(() => new LruMap(0), RangeError);
  });
});
