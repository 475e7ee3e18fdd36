import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceStack } from './service-stack.js';

describe('ServiceStack', () => {
  it('closes services in reverse order of start, each once', async () => {
    const closed: string[] = [];
    const services = new ServiceStack();
    const first = services.add({ name: 'store', close: () => void closed.push('store') });
    services.add({ close: async () => void closed.push('app') });
    assert.equal(first.name, 'store', 'add returns the service');
    await services.close();
    await services.close();
    assert.deepEqual(closed, ['app', 'store']);
  });
});
