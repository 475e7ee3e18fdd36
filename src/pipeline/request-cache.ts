/**
 * @module One request's use of the response cache (`cache/`), as the pipeline orders it: the policy is read first
 * (bad settings are refused like any bad input, before routing), the lookup happens once the request is admitted
 * (so a hit counts against rpm like any request), and a fresh answer is stored before the client gets its end — a
 * JSON answer before it is sent, a stream (assembled as it is relayed) before its closing events — so the client's
 * next identical request finds it. Only the account's own entries are ever read: the key covers the account.
 *
 * `x-op-cache` says what happened when the request asked for the cache: `miss` (looked up, not found: the answer is
 * fresh), `refresh` (not looked up: the answer is fresh and replaces the entry); a hit's headers are set with the
 * ledger mark (`RequestLifecycle.servedFromCache`).
 */
import type { FastifyReply } from 'fastify';
import {
  CACHE_HEADER,
  CompletionAssembler,
  type AnsweredBy,
  type CachedChat,
  type CachedEmbeddings,
  type CachePolicy,
  type ResponseCache,
} from '../cache/index.js';
import type { ChatCompletion, Usage } from '../core/chat-response.js';
import type { AttemptInfo } from '../gateway/index.js';
import type { StreamTap } from './relay-stream.js';

/** The response cache as one request uses it. */
export class RequestCache {
  readonly #cache: ResponseCache;
  readonly #policy: CachePolicy;
  readonly #reply: FastifyReply;
  /** The request's entry key, known once it was looked up. */
  #key: string | undefined;

  private constructor(cache: ResponseCache, policy: CachePolicy, reply: FastifyReply) {
    this.#cache = cache;
    this.#policy = policy;
    this.#reply = reply;
  }

  /**
   * The request's use of `cache`, or undefined when it does not use it (or the gateway has none). `keyTtlSeconds` is
   * the API key's default lifetime.
   * @throws {GatewayError} 400 naming a malformed cache setting.
   */
  static open(cache: ResponseCache | undefined, reply: FastifyReply, keyTtlSeconds: number | null): RequestCache | undefined {
    if (cache === undefined) return undefined;
    const policy = cache.policy(reply.request.headers, reply.request.body, keyTtlSeconds);
    return policy === undefined ? undefined : new RequestCache(cache, policy, reply);
  }

  /** The chat answer cached under `key`, unless the request refreshes; a miss is said in `x-op-cache`. */
  async findChat(key: string): Promise<CachedChat | undefined> {
    return this.#find(key, () => this.#cache.chat(key));
  }

  /** Caches a fresh chat answer (when complete and small enough). */
  async keepChat(completion: ChatCompletion, attempt: AttemptInfo): Promise<void> {
    if (this.#key === undefined) return;
    await this.#cache.keepChat(this.#key, { ...answeredBy(attempt), completion }, this.#policy.ttlSeconds);
  }

  /** A tap that assembles the relayed stream and caches the answer when it finished complete. */
  streamTap(attempt: AttemptInfo): StreamTap {
    const key = this.#key;
    // Characters of output held: JSON escapes and the envelope make an entry at least as long as its text.
    const assembler = new CompletionAssembler(this.#cache.maxEntryBytes);
    return {
      chunks: (chunks) => assembler.add(chunks),
      finished: async (usage) => {
        const completion = assembler.completion(usage);
        if (key === undefined || completion === undefined) return;
        await this.#cache.keepChat(key, { ...answeredBy(attempt), completion }, this.#policy.ttlSeconds);
      },
    };
  }

  /** The embeddings answer cached under `key`, unless the request refreshes; a miss is said in `x-op-cache`. */
  async findEmbeddings(key: string): Promise<CachedEmbeddings | undefined> {
    return this.#find(key, () => this.#cache.embeddings(key));
  }

  /** Caches a fresh embeddings answer (when small enough). */
  async keepEmbeddings(vectors: Float32Array[], usage: Usage, attempt: AttemptInfo): Promise<void> {
    if (this.#key === undefined) return;
    await this.#cache.keepEmbeddings(this.#key, { ...answeredBy(attempt), vectors, usage }, this.#policy.ttlSeconds);
  }

  async #find<T>(key: string, lookup: () => Promise<T | undefined>): Promise<T | undefined> {
    this.#key = key;
    if (this.#policy.refresh) {
      this.#reply.header(CACHE_HEADER, 'refresh');
      return undefined;
    }
    const found = await lookup();
    if (found === undefined) this.#reply.header(CACHE_HEADER, 'miss');
    return found;
  }
}

/** Who answered, as an entry records it. */
function answeredBy(attempt: AttemptInfo): AnsweredBy {
  const { candidate } = attempt;
  return { model: candidate.model.id, provider: candidate.deployment.provider, byok: candidate.byok === true };
}
