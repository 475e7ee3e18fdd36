/**
 * @module The in-memory table of active API keys that authenticates every request without touching the database.
 *
 * Freshness: `startWatching` polls `store.dataVersion()`, which moves whenever another connection commits (SQLite's
 * `data_version`; on PostgreSQL a counter fed by LISTEN/NOTIFY, so another instance's writes count too), so a key
 * created or revoked by the CLI or another instance is honoured or refused within about one poll interval. Writes
 * made through this process's own store may not move it; whoever makes them calls `invalidate()`.
 *
 * A rotated key in its grace period stays in the table with the time its revocation takes effect; `lookup`
 * refuses it from that moment on, without waiting for a reload.
 */
import type { ProviderPreferences } from '../core/chat-request.js';
import { listActiveKeysWithAccounts, type CustomLimits, type Plan, type RoutingMode, type Store } from '../store/index.js';
import { hashApiKey, looksLikeApiKey } from './api-key.js';
import { readProviderDefaults } from './provider-defaults.js';

/** What authentication hands to the rest of the request pipeline for a valid key. */
export interface KeyRecord {
  readonly keyId: string;
  readonly accountId: string;
  readonly plan: Plan;
  /** The key's routing strategy for `model: "auto"`; null leaves it to the gateway default. */
  readonly defaultRouting: RoutingMode | null;
  /** The key's default `provider` routing preferences; a request's own fields win over them. Null or absent: none. */
  readonly defaultProvider?: ProviderPreferences | null;
  /** This key's own spend cap, in USD per month; null for none. */
  readonly keySpendCapUsd: number | null;
  /** The account's monthly spend cap in USD; null for none. */
  readonly accountSpendCapUsd: number | null;
  /** The account's overrides of its plan's limits (enterprise); null fields mean "the plan's". */
  readonly limits: Readonly<CustomLimits>;
}

/** Tuning and error reporting for a {@link KeyCache}. */
export interface KeyCacheOptions {
  /**
   * Told about a failed background reload. The cache keeps serving the last good table and retries on the next
   * poll; without this callback such failures are silent.
   */
  onError?: (error: unknown) => void;
  /** Milliseconds since the epoch; decides when a grace period ends. Defaults to `Date.now`. */
  now?: () => number;
}

/** A cached key and when it stops working (epoch ms; null for never). */
interface CacheEntry {
  readonly record: KeyRecord;
  readonly revokeAtMs: number | null;
}

/** Active keys by SHA-256 of their secret. Call `refresh()` once before serving. */
export class KeyCache {
  readonly #store: Pick<Store, 'db' | 'dataVersion'>;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #byHash: ReadonlyMap<string, CacheEntry> = new Map();
  #lastVersion: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Reload requests made so far, and the latest one a finished reload is known to cover. */
  #requested = 0;
  #covered = 0;
  #inFlight: Promise<void> | undefined;

  constructor(store: Pick<Store, 'db' | 'dataVersion'>, options: KeyCacheOptions = {}) {
    this.#store = store;
    this.#onError = options.onError ?? ((): void => undefined);
    this.#now = options.now ?? Date.now;
  }

  /** Number of active keys held. */
  get size(): number {
    return this.#byHash.size;
  }

  /**
   * The record of an active key, or undefined for a malformed, unknown or revoked one (a rotated key once its grace
   * period is over). Pure memory: one SHA-256 and one map lookup.
   */
  lookup(secret: string): KeyRecord | undefined {
    if (!looksLikeApiKey(secret)) return undefined;
    const entry = this.#byHash.get(hashApiKey(secret));
    if (entry === undefined) return undefined;
    if (entry.revokeAtMs !== null && this.#now() >= entry.revokeAtMs) return undefined;
    return entry.record;
  }

  /**
   * Reloads the table from the database. Concurrent calls share reloads, and the returned promise settles only
   * once a reload that started after this call has finished, so it reflects every write committed before it.
   */
  async refresh(): Promise<void> {
    const ticket = ++this.#requested;
    while (this.#covered < ticket) {
      this.#inFlight ??= this.#reload().finally(() => {
        this.#inFlight = undefined;
      });
      await this.#inFlight;
    }
  }

  /** Announces a same-process write to keys or accounts; resolves when the table reflects it. */
  invalidate(): Promise<void> {
    return this.refresh();
  }

  /**
   * Polls `dataVersion()` every `intervalMs` and reloads when it moved. Calling it again restarts the poll with the
   * new interval. The timer does not keep the process alive.
   */
  startWatching(intervalMs = 250): void {
    this.stop();
    this.#timer = setInterval(() => this.#poll(), intervalMs);
    this.#timer.unref();
  }

  /** Stops polling. Lookups keep answering from the last table. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #poll(): void {
    if (this.#inFlight !== undefined) return;
    let version: number;
    try {
      version = this.#store.dataVersion();
    } catch (error) {
      this.#onError(error);
      return;
    }
    if (version === this.#lastVersion) return;
    this.refresh().catch(this.#onError);
  }

  async #reload(): Promise<void> {
    const ticket = this.#requested;
    // Read the version first: a commit that lands during the query moves it again and the next poll reloads.
    const version = this.#store.dataVersion();
    const rows = await listActiveKeysWithAccounts(this.#store.db, new Date(this.#now()).toISOString());
    const byHash = new Map<string, CacheEntry>();
    for (const row of rows) {
      const revokeAtMs = row.revokeAt === null ? null : Date.parse(row.revokeAt);
      const record: KeyRecord = Object.freeze({
        keyId: row.keyId,
        accountId: row.accountId,
        plan: row.plan,
        defaultRouting: row.defaultRouting,
        defaultProvider: readProviderDefaults(row.defaultProvider),
        keySpendCapUsd: row.keySpendCapUsd,
        accountSpendCapUsd: row.accountSpendCapUsd,
        limits: Object.freeze({ ...row.limits }),
      });
      byHash.set(row.keyHash, { record, revokeAtMs });
    }
    this.#byHash = byHash;
    this.#lastVersion = version;
    this.#covered = Math.max(this.#covered, ticket);
  }
}
