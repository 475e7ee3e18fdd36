/**
 * @module API-key lookup that scales to millions of keys: every request's key is found in memory in steady state,
 * while memory and start time do not grow with the number of keys in the database.
 *
 * - Recently used keys live in a bounded table (least recently used dropped first). A key not in it is read from
 *   the database by its hash (one indexed query), with one query in flight per hash however many requests wait on
 *   it, and at most `lookupConcurrency` queries in flight overall. So a key works on its very first request, made
 *   wherever it was created (dashboard, CLI, another instance): nothing has to have told this instance first.
 * - Made-up keys must not reach the database: a Bloom filter of every stored key hash (`key-filter.ts`) refuses
 *   about 99 % of them from memory, and the hashes the database found unknown are remembered (bounded) so repeats
 *   cost nothing. While the filter is being built (at start, or after notices may have been lost) it cannot refuse,
 *   and unknown keys go to the database, still one query per hash and `lookupConcurrency` at most at once.
 * - Targeted invalidation: the store announces which key hashes and account ids each write changed (PostgreSQL
 *   NOTIFY; SQLite's `key_changes` log read when `data_version` moves, and after this process's own writes through
 *   `invalidate()`). Only those entries are dropped, and the next request reads them again; no table is reloaded.
 *   A lookup in flight while its key or account changes answers its own request but is not kept.
 * - A rotated key in its grace period is held with the moment its revocation takes effect (a key with an expiry, with
 *   that moment, whichever comes first); it is refused from that moment on without any notice.
 * - Before refusing a key the filter does not know, SQLite's `data_version` is checked (a synchronous pragma): if
 *   another process committed meanwhile, the log is read first, so a key the CLI just created is honoured at once.
 *   PostgreSQL pushes a new key's NOTIFY as it commits, but the notice travels on its own connection and a client
 *   handed the key by another process (the CLI, another instance's dashboard) can arrive first; so a refusal there
 *   waits for one round trip on the listening connection, shared by every refusal waiting at that moment (a flood
 *   of made-up keys costs one `select 1` in flight, never a key query). This process's own writes are covered by
 *   `invalidate()`, which waits for their notices.
 */
import { LruMap } from '../core/lru-map.js';
import type { ActiveKeyRow, KeyChange, KeyChangeFeed } from '../store/index.js';
import { hashApiKey, looksLikeApiKey } from './api-key.js';
import { KeyFilter } from './key-filter.js';
import { toCachedKey, type CachedKey, type KeyRecord } from './key-record.js';
import { KeyRecordTable } from './key-records.js';
import type { KeySource } from './key-source.js';

export type { KeyRecord } from './key-record.js';

/** Tuning and error reporting for a {@link KeyCache}. */
export interface KeyCacheOptions {
  /** Keys held in memory (default 100,000); more recently used keys than this cost a query each time they return. */
  capacity?: number;
  /** Unknown key hashes remembered after the database said so (default 10,000). */
  unknownCapacity?: number;
  /** The filter's false-positive rate: the share of made-up keys that still cost a query (default 0.01). */
  falsePositiveRate?: number;
  /** Database lookups in flight at once (default 8); more wait their turn. */
  lookupConcurrency?: number;
  /** How long a request waits for its key's lookup before failing with 503 (default 5000 ms). */
  lookupTimeoutMs?: number;
  /** Told about failed background work (filter builds, catch-ups); each is retried. */
  onError?: (error: unknown) => void;
  /** Milliseconds since the epoch; decides when a grace period ends. Defaults to `Date.now`. */
  now?: () => number;
}

/** Counters for benchmarks, tests and metrics. */
export interface KeyCacheStats {
  /** Keys held in memory. */
  records: number;
  /** Unknown hashes remembered. */
  unknown: number;
  /** Database lookups made (one per missed hash, coalesced). */
  lookups: number;
  /** Keys refused by the filter without a query. */
  refusedByFilter: number;
  /** Whether the filter can refuse keys. */
  filterReady: boolean;
  /** The filter's memory in bytes. */
  filterBytes: number;
  /** Filter builds finished (the first at start; more after a lost notice or when it filled up). */
  filterBuilds: number;
}

/** A database lookup in flight, and what happened meanwhile that makes its answer unfit to keep. */
interface PendingLookup {
  readonly result: Promise<CachedKey | undefined>;
  /** Its key changed, or anything may have (`all`). */
  stale: boolean;
  /** Accounts that changed meanwhile; an answer for one of them is not kept. */
  readonly changedAccounts: Set<string>;
}

/** Thrown (as the lookup's rejection) when the database did not answer in time; the auth hook answers 503. */
export class KeyLookupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyLookupError';
  }
}

/** Recently used keys by hash; see the module comment. Call `start()` (or `listen()`) before serving. */
export class KeyCache {
  readonly #source: KeySource;
  readonly #changes: KeyChangeFeed;
  readonly #records: KeyRecordTable;
  readonly #unknown: LruMap<string, true>;
  readonly #filter: KeyFilter;
  readonly #inFlight = new Map<string, PendingLookup>();
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #lookups = 0;
  #refusedByFilter = 0;
  #listening: Promise<void> | undefined;
  #filterStarted = false;
  #unlisten: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(source: KeySource, options: KeyCacheOptions = {}) {
    this.#source = source;
    this.#changes = source.changes;
    this.#onError = options.onError ?? ((): void => undefined);
    this.#now = options.now ?? Date.now;
    this.#records = new KeyRecordTable(options.capacity ?? 100_000);
    this.#unknown = new LruMap(options.unknownCapacity ?? 10_000);
    this.#concurrency = options.lookupConcurrency ?? 8;
    this.#timeoutMs = options.lookupTimeoutMs ?? 5000;
    this.#filter = new KeyFilter(source, {
      onError: this.#onError,
      ...(options.falsePositiveRate === undefined ? {} : { falsePositiveRate: options.falsePositiveRate }),
    });
  }

  /** Number of keys held in memory. */
  get size(): number {
    return this.#records.size;
  }

  stats(): KeyCacheStats {
    return {
      records: this.#records.size,
      unknown: this.#unknown.size,
      lookups: this.#lookups,
      refusedByFilter: this.#refusedByFilter,
      filterReady: this.#filter.ready,
      filterBytes: this.#filter.byteLength,
      filterBuilds: this.#filter.builds,
    };
  }

  /** {@link listen}, then {@link buildFilter}: resolves once listening, not waiting for the filter. */
  async start(): Promise<void> {
    await this.listen();
    this.buildFilter();
  }

  /**
   * Starts listening for changes; resolves once listening (from then on every change reaches the cache). Calling it
   * again waits for the same start. Serve only after it: a key read before would never be invalidated.
   */
  listen(): Promise<void> {
    this.#listening ??= this.#changes
      .listen((change) => this.#apply(change))
      .then((unlisten) => {
        this.#unlisten = unlisten;
      });
    return this.#listening;
  }

  /**
   * Starts building the filter in the background, unless a build has started already. Until it ends, keys the
   * cache does not hold are looked up in the database. The gateway calls it once it listens, so that the build
   * does not compete with its start.
   */
  buildFilter(): void {
    if (this.#filterStarted) return;
    this.#filterStarted = true;
    this.#filter.resync();
  }

  /** Resolves once the filter is built (benchmarks and tests; serving never waits for it). */
  filterSettled(): Promise<void> {
    return this.#filter.settled();
  }

  /**
   * The record of a usable key; undefined for a malformed, unknown or revoked one (a rotated key once its grace
   * period is over). From memory (a value) when the key is held or certainly unknown; otherwise a promise of the
   * database's answer, which rejects with {@link KeyLookupError} when it cannot be had in time.
   */
  lookup(secret: string): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    if (!looksLikeApiKey(secret)) return undefined;
    const hash = hashApiKey(secret);
    const held = this.#records.get(hash);
    if (held !== undefined) return this.#usable(hash, held);
    if (this.#unknown.has(hash)) return undefined;
    if (this.#filter.check(hash) !== 'absent') return this.#load(hash);
    if (!this.#behind()) {
      this.#refusedByFilter += 1;
      return undefined;
    }
    return this.#withinTimeout(this.#changes.catchUp()).then(() => this.#afterCatchUp(hash));
  }

  /**
   * Announces a write this process made to keys or accounts; resolves once the cache reflects it (and every other
   * change committed before the call). One query at most, whatever was written.
   */
  invalidate(): Promise<void> {
    return this.#changes.catchUp();
  }

  /**
   * Checks every `intervalMs` whether other processes committed changes the store only reports when asked (SQLite)
   * and reads them. PostgreSQL pushes its notices, so there no timer runs. Calling it again restarts the timer; it
   * does not keep the process alive.
   */
  startWatching(intervalMs = 250): void {
    clearInterval(this.#timer);
    if (!this.#changes.polled) return;
    this.#timer = setInterval(() => {
      if (this.#behind()) this.#changes.catchUp().catch(this.#onError);
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops watching and listening, and any filter build. Lookups keep answering from memory and the database. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#filter.stop();
  }

  /** The record, unless its grace period has ended (then it is dropped and remembered as unknown). */
  #usable(hash: string, entry: CachedKey): KeyRecord | undefined {
    if (entry.revokeAtMs === null || this.#now() < entry.revokeAtMs) return entry.record;
    this.#records.deleteKey(hash);
    this.#unknown.set(hash, true);
    return undefined;
  }

  /** After a catch-up, the filter has seen every key committed before the request: its "absent" is final. */
  #afterCatchUp(hash: string): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    const held = this.#records.get(hash);
    if (held !== undefined) return this.#usable(hash, held);
    if (this.#filter.check(hash) !== 'absent') return this.#load(hash);
    this.#refusedByFilter += 1;
    return undefined;
  }

  #behind(): boolean {
    try {
      return this.#changes.mayBeBehind();
    } catch (error) {
      this.#onError(error);
      return false;
    }
  }

  async #load(hash: string): Promise<KeyRecord | undefined> {
    const pending = this.#inFlight.get(hash) ?? this.#startLookup(hash);
    const entry = await this.#withinTimeout(pending.result);
    return entry === undefined ? undefined : this.#usable(hash, entry);
  }

  #startLookup(hash: string): PendingLookup {
    const changedAccounts = new Set<string>();
    const result = this.#query(hash).then((row) => {
      const entry = row === undefined ? undefined : toCachedKey(row);
      if (pending.stale || (entry !== undefined && changedAccounts.has(entry.record.accountId))) return entry;
      if (entry === undefined) this.#unknown.set(hash, true);
      else this.#records.set(hash, entry);
      return entry;
    });
    const pending: PendingLookup = { result, stale: false, changedAccounts };
    this.#inFlight.set(hash, pending);
    const forget = (): void => {
      if (this.#inFlight.get(hash) === pending) this.#inFlight.delete(hash);
    };
    result.then(forget, forget);
    return pending;
  }

  /** One database read, waiting for a free slot first. */
  async #query(hash: string): Promise<ActiveKeyRow | undefined> {
    if (this.#active < this.#concurrency) this.#active += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      this.#lookups += 1;
      return await this.#source.find(hash, new Date(this.#now()).toISOString());
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#active -= 1;
      else next();
    }
  }

  /** The lookup's answer, or a {@link KeyLookupError} once the timeout passes (the query itself goes on). */
  #withinTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KeyLookupError(`the key store did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    const answer = promise.catch((error: unknown) => {
      throw new KeyLookupError('the key store could not be read', { cause: error });
    });
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  }

  #apply(change: KeyChange): void {
    switch (change.kind) {
      case 'keys':
        for (const hash of change.keyHashes) {
          this.#records.deleteKey(hash);
          this.#unknown.delete(hash);
          this.#filter.add(hash);
          const pending = this.#inFlight.get(hash);
          if (pending !== undefined) pending.stale = true;
        }
        return;
      case 'accounts':
        for (const accountId of change.accountIds) {
          this.#records.deleteAccount(accountId);
          for (const pending of this.#inFlight.values()) pending.changedAccounts.add(accountId);
        }
        return;
      case 'all':
        this.#records.clear();
        this.#unknown.clear();
        for (const pending of this.#inFlight.values()) pending.stale = true;
        this.#filterStarted = true;
        this.#filter.resync();
        return;
      default: {
        const unknown: never = change;
        throw new Error(`unknown key change ${JSON.stringify(unknown)}`);
      }
    }
  }
}
