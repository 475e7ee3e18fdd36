import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../core/gateway-error.js';
import { cachePolicy } from './cache-policy.js';

const lifetimes = { defaultTtlSeconds: 300, maxTtlSeconds: 3600 };
const policy = (headers: Record<string, string | string[]>, body: unknown = {}, keyTtl: number | null = null) =>
  cachePolicy(headers, body, keyTtl, lifetimes);

/** Asserts a 400 whose `param` names the setting. */
function refuses(run: () => unknown, param: string): void {
  assert.throws(run, (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param);
}

describe('cachePolicy', () => {
  it('is off unless the request or its key asks', () => {
    assert.equal(policy({}), undefined);
    assert.equal(policy({}, { model: 'x' }), undefined);
  });

  it('reads the body field: true, false, {ttl}, {refresh}', () => {
    assert.deepEqual(policy({}, { cache: true }), { ttlSeconds: 300, refresh: false });
    assert.equal(policy({}, { cache: false }), undefined);
    assert.deepEqual(policy({}, { cache: { ttl: 60 } }), { ttlSeconds: 60, refresh: false });
    assert.deepEqual(policy({}, { cache: { refresh: true } }), { ttlSeconds: 300, refresh: true });
    assert.equal(policy({}, { cache: { ttl: 0 } }), undefined);
    assert.equal(policy({}, { cache: null }), undefined);
  });

  it('reads the headers: x-op-cache on/off/refresh and x-op-cache-ttl', () => {
    assert.deepEqual(policy({ 'x-op-cache-ttl': '120' }), { ttlSeconds: 120, refresh: false });
    assert.deepEqual(policy({ 'x-op-cache': 'on' }), { ttlSeconds: 300, refresh: false });
    assert.deepEqual(policy({ 'x-op-cache': 'Refresh', 'x-op-cache-ttl': '30' }), { ttlSeconds: 30, refresh: true });
    assert.equal(policy({ 'x-op-cache': 'off' }, {}, 600), undefined);
    assert.equal(policy({ 'x-op-cache-ttl': '0' }, {}, 600), undefined);
  });

  it("uses the key's default when the request says nothing, held to the maximum, and lets the request override it", () => {
    assert.deepEqual(policy({}, {}, 600), { ttlSeconds: 600, refresh: false });
    assert.deepEqual(policy({}, {}, 86_400), { ttlSeconds: 3600, refresh: false });
    assert.deepEqual(policy({ 'x-op-cache': 'refresh' }, {}, 600), { ttlSeconds: 600, refresh: true });
    assert.deepEqual(policy({}, { cache: { ttl: 5 } }, 600), { ttlSeconds: 5, refresh: false });
  });

  it('lets the body win over the headers', () => {
    assert.deepEqual(policy({ 'x-op-cache': 'off' }, { cache: { ttl: 10 } }), { ttlSeconds: 10, refresh: false });
    assert.equal(policy({ 'x-op-cache': 'on' }, { cache: false }), undefined);
  });

  it('refuses malformed settings and lifetimes out of range with a 400 naming them', () => {
    refuses(() => policy({}, { cache: { ttl: 3601 } }), 'cache.ttl');
    refuses(() => policy({}, { cache: { ttl: -1 } }), 'cache.ttl');
    refuses(() => policy({}, { cache: { ttl: 1.5 } }), 'cache.ttl');
    refuses(() => policy({}, { cache: { ttl: '60' } }), 'cache.ttl');
    refuses(() => policy({}, { cache: { refresh: 'yes' } }), 'cache.refresh');
    refuses(() => policy({}, { cache: { ttl_seconds: 60 } }), 'cache.ttl_seconds');
    refuses(() => policy({}, { cache: 'on' }), 'cache');
    refuses(() => policy({}, { cache: [60] }), 'cache');
    refuses(() => policy({ 'x-op-cache-ttl': '3601' }), 'x-op-cache-ttl');
    refuses(() => policy({ 'x-op-cache-ttl': '1e3' }), 'x-op-cache-ttl');
    refuses(() => policy({ 'x-op-cache-ttl': '-5' }), 'x-op-cache-ttl');
    refuses(() => policy({ 'x-op-cache-ttl': ['60', '60'] }), 'x-op-cache-ttl');
    refuses(() => policy({ 'x-op-cache': 'yes' }), 'x-op-cache');
    // A bad header is refused even when the body decides.
    refuses(() => policy({ 'x-op-cache': 'always' }, { cache: true }), 'x-op-cache');
  });
});
