/**
 * @module The simulated provider's prompt cache: which prompt prefixes it has seen. A request naming a cacheable
 * prefix (Anthropic's `cache_control` breakpoints) writes it the first time and reads it on every repeat within the
 * simulator's run, as the real cache does within its lifetime; the simulator never expires an entry by time, only
 * the oldest ones once it holds {@link MAX_CACHED_PREFIXES}, so a long benchmark cannot grow it without bound.
 */

/** Prefixes kept at most; past that the oldest is forgotten (its next use writes it again). */
export const MAX_CACHED_PREFIXES = 10_000;

/** A cacheable prompt prefix: a hash of what it holds (model included), its size, and the lifetime it asks for. */
export interface PromptCachePrefix {
  key: string;
  /** Prompt tokens the prefix covers (at most the prompt's). */
  tokens: number;
  ttl: '5m' | '1h';
}

/** What one request did with the cache: prefix tokens read, or written (all of one lifetime). */
export interface PromptCacheUse {
  readTokens: number;
  writeTokens: number;
  /** The part of `writeTokens` written for one hour. */
  write1hTokens: number;
}

/** The prefixes seen so far, oldest first. */
export class PromptCacheStore {
  readonly #keys = new Set<string>();

  constructor(private readonly maxEntries = MAX_CACHED_PREFIXES) {}

  /** Reads `prefix` if it is cached, else writes it. */
  use(prefix: PromptCachePrefix): PromptCacheUse {
    if (this.#keys.has(prefix.key)) return { readTokens: prefix.tokens, writeTokens: 0, write1hTokens: 0 };
    this.#keys.add(prefix.key);
    if (this.#keys.size > this.maxEntries) {
      const [oldest] = this.#keys;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    return { readTokens: 0, writeTokens: prefix.tokens, write1hTokens: prefix.ttl === '1h' ? prefix.tokens : 0 };
  }
}
