import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion } from '../core/chat-response.js';
import type { CacheStore } from './cache-store.js';
import { MemoryCacheStore } from './memory-store.js';
import { ResponseCache } from './response-cache.js';

const lifetimes = { defaultTtlSeconds: 300, maxTtlSeconds: 3600 };
const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost_usd: 0.001 };
const answeredBy = { model: 'gpt-4o-mini', provider: 'openai', byok: false };

function completion(finish: 'stop' | 'length' | 'tool_calls' | 'content_filter'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 100,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, logprobs: null, finish_reason: finish }],
    usage,
  };
}

function cacheOver(store: CacheStore, maxEntryBytes = 100_000, errors: unknown[] = []): ResponseCache {
  return new ResponseCache({ store, lifetimes, maxEntryBytes, onError: (error) => errors.push(error) });
}

describe('ResponseCache', () => {
  it('keeps complete chat answers and gives them back as stored, with who answered', async () => {
    const cache = cacheOver(new MemoryCacheStore({ maxBytes: 1_000_000, now: () => 0 }));
    assert.equal(await cache.keepChat('k', { ...answeredBy, completion: completion('tool_calls') }, 60), true);
    assert.deepEqual(await cache.chat('k'), { ...answeredBy, completion: completion('tool_calls') });
    assert.equal(await cache.chat('other'), undefined);
  });

  it('never keeps an incomplete answer (cut by max tokens, filtered) or one larger than maxEntryBytes', async () => {
    const cache = cacheOver(new MemoryCacheStore({ maxBytes: 1_000_000, now: () => 0 }), 400);
    assert.equal(await cache.keepChat('a', { ...answeredBy, completion: completion('length') }, 60), false);
    assert.equal(await cache.keepChat('b', { ...answeredBy, completion: completion('content_filter') }, 60), false);
    const long = completion('stop');
    long.choices[0]!.message.content = 'x'.repeat(500);
    assert.equal(await cache.keepChat('c', { ...answeredBy, completion: long }, 60), false);
    for (const key of ['a', 'b', 'c']) assert.equal(await cache.chat(key), undefined);
  });

  it('keeps embeddings as exact float32 and refuses vectors that cannot fit before serialising them', async () => {
    const cache = cacheOver(new MemoryCacheStore({ maxBytes: 1_000_000, now: () => 0 }), 2_000);
    const vectors = [new Float32Array([0.1, -0.25, 3e-8]), new Float32Array([1, 2, 3])];
    const entry = {
      ...answeredBy,
      model: 'text-embedding-3-small',
      vectors,
      usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4, cost_usd: 1e-7 },
    };
    assert.equal(await cache.keepEmbeddings('e', entry, 60), true);
    assert.deepEqual(await cache.embeddings('e'), entry);
    assert.equal(await cache.keepEmbeddings('big', { ...entry, vectors: [new Float32Array(1_000)] }, 60), false);
    assert.equal(await cache.chat('e'), undefined, 'an embeddings entry is not a chat answer');
  });

  it('turns a store that fails or holds something else into a miss, and reports the failure', async () => {
    const errors: unknown[] = [];
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
    };
    const cache = cacheOver(broken, 100_000, errors);
    assert.equal(await cache.chat('k'), undefined);
    assert.equal(await cache.keepChat('k', { ...answeredBy, completion: completion('stop') }, 60), false);
    assert.equal(errors.length, 2);
    const odd = new MemoryCacheStore({ maxBytes: 10_000, now: () => 0 });
    await odd.set('junk', 'not json', 60_000);
    await odd.set('shape', JSON.stringify({ kind: 'chat', model: 'm', provider: 'p', byok: false, completion: { choices: 'no' } }), 60_000);
    const reading = cacheOver(odd);
    assert.equal(await reading.chat('junk'), undefined);
    assert.equal(await reading.chat('shape'), undefined);
  });
});
