import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueIdGenerator } from './unique-id.js';

describe('uniqueIdGenerator', () => {
  it('gives distinct ids with the prefix, from one generator and across generators', () => {
    const first = uniqueIdGenerator('req_');
    const second = uniqueIdGenerator('req_');
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) {
      ids.add(first());
      ids.add(second());
    }
    assert.equal(ids.size, 20_000);
    for (const id of ids) assert.match(id, /^req_[0-9a-f]{16}[0-9a-z]+$/);
  });
});
