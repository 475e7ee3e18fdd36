/**
 * @module The key cache's filter of key hashes: a {@link BloomFilter} built in the background by streaming every
 * stored key's hash from the store (pages along the unique index), then kept current by change notices (`add` for
 * every hash announced). Revoked keys are in it too: streaming the index alone is four times faster than checking
 * each row, and a revoked key then costs one lookup (remembered as unknown) like a false positive. Until the first build ends, and after a notice may have been lost (`resync`)
 * until the rebuild ends, it cannot say "certainly not a key" and answers `unknown`: the cache then asks the database.
 *
 * Memory follows the number of keys at about 1.2 bytes each (1 % false positives at the sized capacity), and
 * nothing but the filter is kept per key. Start-up does not wait for the build, so start time does not grow with the
 * key count. A filter that has taken more hashes than it was sized for (keys keep being created) is rebuilt, larger,
 * while the full one keeps answering.
 */
import { BloomFilter } from './bloom-filter.js';

/** Where the filter's hashes come from. */
export interface KeyHashSource {
  /** How many keys are stored (to size the filter). */
  countKeys(): Promise<number>;
  /** Up to `limit` stored keys' hashes in hash order after `afterHash` (null: from the first). */
  hashPage(afterHash: string | null, limit: number): Promise<string[]>;
}

/** `absent`: certainly not a stored key. `maybe`: stored, or a false positive. `unknown`: the filter cannot tell yet. */
export type FilterAnswer = 'absent' | 'maybe' | 'unknown';

/** Tuning of a {@link KeyFilter}. */
export interface KeyFilterOptions {
  /** The false-positive rate at the sized capacity (default 0.01). */
  falsePositiveRate?: number;
  /** Hashes read per query while building (default 5,000: fewer objects alive at once than bigger pages, as fast). */
  pageSize?: number;
  /** Told about failed builds; a failed build is retried after `retryMs`. */
  onError?: (error: unknown) => void;
  /** Wait before retrying a failed build (default 5000 ms). */
  retryMs?: number;
}

/** Room a filter is sized with beyond the keys counted at its build, so creations do not fill it at once. */
const HEADROOM = 1.25;
/** The smallest capacity a filter is sized for. */
const MIN_CAPACITY = 10_000;

/** The filter and its background builds. */
export class KeyFilter {
  readonly #source: KeyHashSource;
  readonly #falsePositiveRate: number;
  readonly #pageSize: number;
  readonly #retryMs: number;
  readonly #onError: (error: unknown) => void;
  /** The filter answering; undefined until the first build ends. */
  #current: BloomFilter | undefined;
  /** False while notices may have been lost since `#current` was built (a resync, until its rebuild ends). */
  #complete = false;
  /** The filter being built, which also takes every hash added meanwhile. */
  #next: BloomFilter | undefined;
  #building: Promise<void> | undefined;
  /** A resync came during a build: the build may have streamed past keys it missed, so build once more. */
  #again = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #builds = 0;

  constructor(source: KeyHashSource, options: KeyFilterOptions = {}) {
    this.#source = source;
    this.#falsePositiveRate = options.falsePositiveRate ?? 0.01;
    this.#pageSize = options.pageSize ?? 5000;
    this.#retryMs = options.retryMs ?? 5000;
    this.#onError = options.onError ?? ((): void => undefined);
  }

  /** Builds finished so far. */
  get builds(): number {
    return this.#builds;
  }

  /** Memory the answering filter takes, in bytes (0 before the first build). */
  get byteLength(): number {
    return this.#current?.byteLength ?? 0;
  }

  /** Whether the filter can refuse keys (`check` may answer `absent`). */
  get ready(): boolean {
    return this.#current !== undefined && this.#complete;
  }

  check(hash: string): FilterAnswer {
    const current = this.#current;
    if (current === undefined) return 'unknown';
    if (current.mightContain(hash)) return 'maybe';
    return this.#complete ? 'absent' : 'unknown';
  }

  /** Records a hash announced as inserted or changed (harmless for one that is not a valid key). */
  add(hash: string): void {
    this.#current?.add(hash);
    this.#next?.add(hash);
    const current = this.#current;
    if (current !== undefined && current.added > current.capacity) this.#startBuild();
  }

  /** Notices may have been lost: stop refusing until a fresh build ends. Also the first build, at start. */
  resync(): void {
    this.#complete = false;
    if (this.#building !== undefined) this.#again = true;
    this.#startBuild();
  }

  /** Resolves when no build is running (tests and benchmarks). */
  async settled(): Promise<void> {
    while (this.#building !== undefined) await this.#building;
  }

  /** Stops retrying failed builds; a build in progress ends without effect. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
  }

  #startBuild(): void {
    if (this.#building !== undefined || this.#stopped) return;
    clearTimeout(this.#retryTimer);
    this.#building = this.#build().finally(() => {
      this.#building = undefined;
      if (this.#again) {
        this.#again = false;
        this.#startBuild();
      }
    });
  }

  async #build(): Promise<void> {
    try {
      const count = await this.#source.countKeys();
      const next = new BloomFilter(Math.max(MIN_CAPACITY, Math.ceil(count * HEADROOM)), this.#falsePositiveRate);
      this.#next = next;
      let after: string | null = null;
      for (;;) {
        const page = await this.#source.hashPage(after, this.#pageSize);
        for (const hash of page) next.add(hash);
        if (page.length < this.#pageSize || this.#stopped) break;
        after = page[page.length - 1] ?? null;
      }
      if (this.#stopped) return;
      this.#current = next;
      this.#complete = !this.#again;
      this.#builds += 1;
    } catch (error) {
      this.#onError(error);
      if (!this.#stopped) {
        this.#retryTimer = setTimeout(() => this.#startBuild(), this.#retryMs);
        this.#retryTimer.unref();
      }
    } finally {
      this.#next = undefined;
    }
  }
}
