import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTRY_OVERHEAD_BYTES, MemoryCacheStore } from './memory-store.js';

/** An entry of `valueBytes` under a one-character key costs this much. */
const cost = (valueBytes: number): number => valueBytes + 1 + ENTRY_OVERHEAD_BYTES;

describe('MemoryCacheStore', () => {
  it('returns what was stored until it expires', async () => {
    let now = 1_000;
    const store = new MemoryCacheStore({ maxBytes: 10_000, now: () => now });
    await store.set('a', 'answer', 5_000);
    assert.equal(await store.get('a'), 'answer');
    now += 4_999;
    assert.equal(await store.get('a'), 'answer');
    now += 1;
    assert.equal(await store.get('a'), undefined);
    assert.equal(store.bytes, 0);
    assert.equal(await store.get('never'), undefined);
  });

  it('never holds more than maxBytes: the least recently used entries go first', async () => {
    const store = new MemoryCacheStore({ maxBytes: cost(100) * 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) await store.set(key, 'x'.repeat(100), 60_000);
    assert.equal(store.bytes, cost(100) * 3);
    assert.equal(await store.get('a'), 'x'.repeat(100)); // a is now the most recently used
    await store.set('d', 'y'.repeat(100), 60_000);
    assert.equal(await store.get('b'), undefined, 'b was the least recently used');
    assert.ok((await store.get('a')) !== undefined && (await store.get('c')) !== undefined && (await store.get('d')) !== undefined);
    await store.set('e', 'z'.repeat(250), 60_000);
    assert.ok(store.bytes <= cost(100) * 3);
    assert.equal(await store.get('e'), 'z'.repeat(250));
  });

  it('counts UTF-8 bytes, replaces an entry in place, and skips one larger than the whole budget', async () => {
    const store = new MemoryCacheStore({ maxBytes: cost(400), now: () => 0 });
    await store.set('k', 'é'.repeat(100), 60_000);
    assert.equal(store.bytes, cost(200));
    await store.set('k', 'short', 60_000);
    assert.equal(store.bytes, cost(5));
    assert.equal(store.size, 1);
    await store.set('big', 'x'.repeat(1_000), 60_000);
    assert.equal(await store.get('big'), undefined);
    assert.equal(await store.get('k'), 'short', 'a value that cannot fit evicts nothing');
  });

  it('stores nothing with a zero budget', async () => {
    const store = new MemoryCacheStore({ maxBytes: 0, now: () => 0 });
    await store.set('a', 'b', 60_000);
    assert.equal(await store.get('a'), undefined);
  });
});
