import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageOf, type PageRequest } from './item-page.js';

const id = (item: string): string => item;

describe('pageOf', () => {
  const list = ['a', 'b', 'c', 'd', 'e'];

  it('cuts pages in either order, after a cursor, and says whether more follow', () => {
    assert.deepEqual(pageOf(list, id, { limit: 2, order: 'asc' }), { page: ['a', 'b'], hasMore: true });
    assert.deepEqual(pageOf(list, id, { limit: 2, order: 'desc' }), { page: ['e', 'd'], hasMore: true });
    assert.deepEqual(pageOf(list, id, { after: 'b', limit: 2, order: 'asc' }), { page: ['c', 'd'], hasMore: true });
    assert.deepEqual(pageOf(list, id, { after: 'c', limit: 2, order: 'asc' }), { page: ['d', 'e'], hasMore: false });
    assert.deepEqual(pageOf(list, id, { after: 'b', limit: 5, order: 'desc' }), { page: ['a'], hasMore: false });
    assert.deepEqual(pageOf(list, id, { after: 'e', limit: 5, order: 'asc' }), { page: [], hasMore: false });
    assert.deepEqual(pageOf([], id, { limit: 5, order: 'asc' }), { page: [], hasMore: false });
  });

  it('names a cursor that is not in the list', () => {
    assert.deepEqual(pageOf(list, id, { after: 'z', limit: 2, order: 'asc' }), { unknownAfter: 'z' });
  });

  it('always moves forward through a list where an id repeats, so a client paging with after ends', () => {
    const repeated = ['a', 'b', 'a', 'c'];
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let request: PageRequest = { limit: 1, order };
      for (let pages = 0; pages < 10; pages++) {
        const result = pageOf(repeated, id, request);
        assert.ok('page' in result);
        seen.push(...result.page);
        const last = result.page.at(-1);
        if (!result.hasMore || last === undefined) break;
        request = { ...request, after: last };
      }
      assert.ok(seen.length <= repeated.length, `${order}: ${seen.join(',')}`);
      assert.equal(seen.at(-1), order === 'asc' ? 'c' : 'a');
    }
  });
});
