/**
 * @module The exact-match response cache (opt-in per request or per key): keys, policies, entries, the memory and
 * Redis stores, and the stream assembly and replay that let a cached answer serve a JSON or a streamed request.
 */
export { CompletionAssembler } from './assemble-completion.js';
export { chatCacheKey, embeddingCacheKey, type CacheScope } from './cache-key.js';
export { CACHE_HEADER, CACHE_TTL_HEADER, type CacheLifetimes, type CachePolicy } from './cache-policy.js';
export type { CacheStore } from './cache-store.js';
export type { AnsweredBy, CachedChat, CachedEmbeddings } from './cached-answer.js';
export { MemoryCacheStore } from './memory-store.js';
export { RedisCacheStore } from './redis-store.js';
export { replayChunks } from './replay-chunks.js';
export { ResponseCache, type ResponseCacheOptions } from './response-cache.js';
