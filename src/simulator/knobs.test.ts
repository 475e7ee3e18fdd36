import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_KNOBS, KnobStore, parseKnobPatch } from './knobs.js';

describe('KnobStore', () => {
  it('layers defaults, start-up defaults, "*" and the model', () => {
    const store = new KnobStore({ outputTokens: 5 });
    assert.deepEqual(store.resolve('m'), { ...DEFAULT_KNOBS, outputTokens: 5 });
    store.set('*', { latencyMs: 20, outputTokens: 7 });
    store.set('m', { outputTokens: 9 });
    assert.equal(store.resolve('m').outputTokens, 9);
    assert.equal(store.resolve('m').latencyMs, 20);
    assert.equal(store.resolve('other').outputTokens, 7);
  });

  it('merges successive sets into one layer', () => {
    const store = new KnobStore();
    store.set('m', { errorRate: 1 });
    store.set('m', { errorStatus: 429 });
    assert.equal(store.resolve('m').errorRate, 1);
    assert.equal(store.resolve('m').errorStatus, 429);
  });

  it('reset returns to the start-up defaults', () => {
    const store = new KnobStore({ ttftMs: 3 });
    store.set('*', { ttftMs: 50 });
    store.set('m', { midStreamError: true });
    store.reset();
    assert.deepEqual(store.resolve('m'), { ...DEFAULT_KNOBS, ttftMs: 3 });
    assert.deepEqual(store.snapshot().models, {});
  });

  it('rejects bad values with a RangeError', () => {
    const store = new KnobStore();
    assert.throws(() => store.set('m', { errorRate: 2 }), RangeError);
    assert.throws(() => new KnobStore({ latencyMs: -1 }), RangeError);
  });
});

describe('parseKnobPatch', () => {
  it('accepts known knobs', () => {
    assert.deepEqual(parseKnobPatch({ latencyMs: 5, midStreamError: true }), {
      patch: { latencyMs: 5, midStreamError: true },
    });
  });

  for (const [body, field] of [
    [{ bogus: 1 }, 'bogus'],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ errorStatus: 200 }, 'errorStatus'],
    [{ outputTokens: 2.5 }, 'outputTokens'],
    [{ tokensPerSecond: '10' }, 'tokensPerSecond'],
    [{ midStreamError: 'yes' }, 'midStreamError'],
    [{ refuse: 1 }, 'refuse'],
    [{ parallelToolCalls: 0 }, 'parallelToolCalls'],
    [{ reasoningTokens: 1.5 }, 'reasoningTokens'],
    [{ cachedPromptTokens: -3 }, 'cachedPromptTokens'],
  ] as const) {
    it(`rejects ${JSON.stringify(body)}`, () => {
      const result = parseKnobPatch(body);
      assert.ok('error' in result);
      assert.match(result.error, new RegExp(`^${field} `));
    });
  }

  it('accepts the feature knobs', () => {
    const patch = { parallelToolCalls: 3, reasoningTokens: 0, refuse: true, cachedPromptTokens: 100 };
    assert.deepEqual(parseKnobPatch(patch), { patch });
  });

  it('takes toolCall as one call or a list, and always patches a list', () => {
    const call = { name: 'shell', arguments: { command: ['cat', 'hello.txt'] } };
    assert.deepEqual(parseKnobPatch({ toolCall: call }), { patch: { toolCall: [call] } });
    assert.deepEqual(parseKnobPatch({ toolCall: [call, call] }), { patch: { toolCall: [call, call] } });
    const store = new KnobStore();
    store.set('m', { toolCall: [call] });
    assert.deepEqual(store.resolve('m').toolCall, [call]);
    assert.deepEqual(store.resolve('other').toolCall, []);
    const bad = parseKnobPatch({ toolCall: { name: 'shell' } });
    assert.ok('error' in bad && bad.error.startsWith('toolCall '));
  });

  it('rejects non-objects', () => {
    assert.ok('error' in parseKnobPatch([1]));
  });
});
