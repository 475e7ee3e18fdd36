import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NATIVE_BODY, type CanonicalChatRequest } from '../core/chat-request.js';
import type { EmbeddingRequest } from '../core/embedding-request.js';
import { chatCacheKey, embeddingCacheKey, stableJson } from './cache-key.js';

const scope = { accountId: 'acct_a', endpoint: 'chat.completions' };
const request = (extra: Record<string, unknown> = {}): CanonicalChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content: 'Hello' }],
  temperature: 0,
  ...extra,
});

describe('chatCacheKey', () => {
  it('is the same for the same request, whatever the field order, streamed or not, and whatever its cache settings', () => {
    const key = chatCacheKey(scope, request());
    assert.match(key, /^[0-9a-f]{64}$/);
    const reordered: CanonicalChatRequest = { temperature: 0, messages: [{ content: 'Hello', role: 'user' }], model: 'auto' };
    assert.equal(chatCacheKey(scope, reordered), key);
    assert.equal(chatCacheKey(scope, request({ stream: true, stream_options: { include_usage: true }, cache: { ttl: 60 } })), key);
  });

  it('differs for another account, another door, or any other difference in the request', () => {
    const key = chatCacheKey(scope, request());
    assert.notEqual(chatCacheKey({ ...scope, accountId: 'acct_b' }, request()), key);
    assert.notEqual(chatCacheKey({ ...scope, endpoint: 'responses' }, request()), key);
    assert.notEqual(chatCacheKey(scope, request({ temperature: 0.5 })), key);
    assert.notEqual(chatCacheKey(scope, request({ routing: 'latency' })), key);
    assert.notEqual(chatCacheKey(scope, request({ messages: [{ role: 'user', content: 'Hello!' }] })), key);
  });

  it('covers the native body a Messages client sent (not its stream flag), which no JSON field can imitate', () => {
    const native = (body: Record<string, unknown>): CanonicalChatRequest => ({
      ...request(),
      [NATIVE_BODY]: { format: 'anthropic', body, betas: ['b', 'a'] },
    });
    const key = chatCacheKey(scope, native({ model: 'claude', max_tokens: 10 }));
    assert.notEqual(key, chatCacheKey(scope, request()));
    assert.equal(chatCacheKey(scope, native({ model: 'claude', max_tokens: 10, stream: true })), key);
    assert.notEqual(chatCacheKey(scope, native({ model: 'claude', max_tokens: 11 })), key);
    assert.notEqual(
      chatCacheKey(scope, request({ native: { format: 'anthropic', body: { model: 'claude', max_tokens: 10 }, betas: ['a', 'b'] } })),
      key,
    );
  });
});

describe('embeddingCacheKey', () => {
  const embedding = (extra: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({
    model: 'text-embedding-3-small',
    input: { kind: 'text', texts: ['a', 'b'] },
    dimensions: 1536,
    user: undefined,
    upstream: { dimensions: true, base64: true, user: true },
    encodingFormat: 'float',
    prompt: { estimate: 1, bound: 2, counted: () => 2 },
    ...extra,
  });
  const embeddings = { accountId: 'acct_a', endpoint: 'embeddings' };

  it('ignores the encoding (the same vectors serve both) and covers inputs, size and user', () => {
    const key = embeddingCacheKey(embeddings, embedding());
    assert.equal(embeddingCacheKey(embeddings, embedding({ encodingFormat: 'base64' })), key);
    assert.notEqual(embeddingCacheKey(embeddings, embedding({ dimensions: 256 })), key);
    assert.notEqual(embeddingCacheKey(embeddings, embedding({ user: 'u1' })), key);
    assert.notEqual(embeddingCacheKey(embeddings, embedding({ input: { kind: 'text', texts: ['b', 'a'] } })), key);
    assert.notEqual(embeddingCacheKey(embeddings, embedding({ input: { kind: 'tokens', tokens: [[1], [2]] } })), key);
  });
});

describe('stableJson', () => {
  it('sorts object keys at every depth and leaves undefined members out, as JSON does', () => {
    assert.equal(stableJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } }), '{"a":{"c":null,"d":[1,{"f":2}]},"b":1}');
    assert.equal(stableJson([undefined, 'x']), '[null,"x"]');
  });
});
