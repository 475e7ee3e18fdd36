/**
 * @module The response cache as the pipeline uses it: the configured lifetimes (to read a request's policy), and
 * typed lookups and stores of chat and embeddings answers over a {@link CacheStore}. The cache never fails a
 * request: a store that cannot be read is a miss, one that cannot be written is skipped, and both are reported to
 * `onError`. An answer whose JSON is larger than `maxEntryBytes`, or that is not complete, is not stored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CacheStore } from './cache-store.js';
import { cachePolicy, type CacheLifetimes, type CachePolicy } from './cache-policy.js';
import {
  isCompleteAnswer,
  parseChat,
  parseEmbeddings,
  serializeChat,
  serializeEmbeddings,
  type CachedChat,
  type CachedEmbeddings,
} from './cached-answer.js';

/** What a {@link ResponseCache} is built from. */
export interface ResponseCacheOptions {
  store: CacheStore;
  lifetimes: CacheLifetimes;
  /** Largest entry stored, in bytes of its JSON (`cache.maxEntryBytes`). */
  maxEntryBytes: number;
  /** Told when the store could not be read or written; the request goes on without the cache. */
  onError?: (error: unknown) => void;
}

/** Lookups and stores of cached answers. */
export class ResponseCache {
  /** Largest entry stored, in bytes of its JSON. */
  readonly maxEntryBytes: number;
  readonly #store: CacheStore;
  readonly #lifetimes: CacheLifetimes;
  readonly #onError: (error: unknown) => void;

  constructor(options: ResponseCacheOptions) {
    this.#store = options.store;
    this.#lifetimes = options.lifetimes;
    this.maxEntryBytes = options.maxEntryBytes;
    this.#onError = options.onError ?? ((): void => undefined);
  }

  /**
   * How a request uses the cache (see `cache-policy.ts`): undefined when it does not.
   * @throws {GatewayError} 400 naming the malformed setting.
   */
  policy(headers: IncomingHttpHeaders, body: unknown, keyTtlSeconds: number | null): CachePolicy | undefined {
    return cachePolicy(headers, body, keyTtlSeconds, this.#lifetimes);
  }

  /** The chat answer cached under `key`, if any. */
  async chat(key: string): Promise<CachedChat | undefined> {
    const text = await this.#get(key);
    return text === undefined ? undefined : parseChat(text);
  }

  /** Caches a complete chat answer for `ttlSeconds`; false when it was not stored (incomplete, too large, store down). */
  async keepChat(key: string, entry: CachedChat, ttlSeconds: number): Promise<boolean> {
    if (!isCompleteAnswer(entry.completion)) return false;
    return this.#set(key, serializeChat(entry), ttlSeconds);
  }

  /** The embeddings answer cached under `key`, if any. */
  async embeddings(key: string): Promise<CachedEmbeddings | undefined> {
    const text = await this.#get(key);
    return text === undefined ? undefined : parseEmbeddings(text);
  }

  /** Caches an embeddings answer for `ttlSeconds`; false when it was not stored (too large, store down). */
  async keepEmbeddings(key: string, entry: CachedEmbeddings, ttlSeconds: number): Promise<boolean> {
    // Base64 float32 is 16 bytes per 3 values: skip building a JSON that cannot fit.
    const values = entry.vectors.reduce((sum, vector) => sum + vector.length, 0);
    if ((values * 16) / 3 > this.maxEntryBytes) return false;
    return this.#set(key, serializeEmbeddings(entry), ttlSeconds);
  }

  async #get(key: string): Promise<string | undefined> {
    try {
      return await this.#store.get(key);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  async #set(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (ttlSeconds <= 0 || Buffer.byteLength(value) > this.maxEntryBytes) return false;
    try {
      await this.#store.set(key, value, ttlSeconds * 1000);
      return true;
    } catch (error) {
      this.#onError(error);
      return false;
    }
  }
}
