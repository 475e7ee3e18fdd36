/**
 * The key cache against a fake store that counts its queries: the memory bound, coalescing, the protection against
 * made-up keys, targeted invalidation, the grace period and the lookups that fail. The same cache on real SQLite and
 * PostgreSQL stores is in `key-cache.dialects.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveKeyRow, KeyChange, KeyChangeFeed, KeyChangeListener } from '../store/index.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { KeyCache, KeyLookupError, type KeyCacheOptions } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import type { KeySource } from './key-source.js';

const T0 = Date.UTC(2026, 0, 1);

/** A store in memory: rows by hash, change notices pushed (PostgreSQL-like) or waiting for a catch-up (SQLite-like). */
class FakeSource implements KeySource {
  readonly rows = new Map<string, ActiveKeyRow>();
  /** Every hash looked up, in order. */
  readonly finds: string[] = [];
  /** Lookups running right now, and the most at once. */
  running = 0;
  maxRunning = 0;
  /** Holds lookups (and hash pages) until released. */
  hold: Promise<void> | undefined;
  failPages = 0;
  catchUps = 0;
  /** Changes another process committed that a catch-up delivers (SQLite's log, or PostgreSQL notices in flight). */
  readonly logged: KeyChange[] = [];
  #listener: KeyChangeListener | undefined;

  readonly changes: KeyChangeFeed;

  /** `pushed`: PostgreSQL-like, notices arrive by themselves but may lag; otherwise SQLite-like, read when asked. */
  constructor(mode: 'polled' | 'pushed' = 'polled') {
    this.changes = {
      listen: async (listener) => {
        this.#listener = listener;
        return () => {
          this.#listener = undefined;
        };
      },
      catchUp: async () => {
        this.catchUps += 1;
        for (const change of this.logged.splice(0)) this.#listener?.(change);
      },
      mayBeBehind: () => mode === 'pushed' || this.logged.length > 0,
      polled: mode === 'polled',
    };
  }

  async find(hash: string, nowIso: string): Promise<ActiveKeyRow | undefined> {
    this.finds.push(hash);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.hold;
      const row = this.rows.get(hash);
      return row === undefined || (row.revokeAt !== null && row.revokeAt <= nowIso) ? undefined : row;
    } finally {
      this.running -= 1;
    }
  }

  async countKeys(): Promise<number> {
    return this.rows.size;
  }

  async hashPage(afterHash: string | null, limit: number): Promise<string[]> {
    await this.hold;
    if (this.failPages > 0) {
      this.failPages -= 1;
      throw new Error('database down');
    }
    return [...this.rows.keys()]
      .sort()
      .filter((hash) => afterHash === null || hash > afterHash)
      .slice(0, limit);
  }

  /** Stores a key (no notice: call `notify` or `log` for that) and returns its secret. */
  addKey(accountId = 'acct_a', revokeAt: string | null = null): string {
    const secret = generateApiKey();
    const hash = hashApiKey(secret);
    this.rows.set(hash, row(hash, accountId, revokeAt));
    return secret;
  }

  /** A notice pushed as PostgreSQL does. */
  notify(change: KeyChange): void {
    this.#listener?.(change);
  }

  findsOf(secret: string): number {
    const hash = hashApiKey(secret);
    return this.finds.filter((h) => h === hash).length;
  }
}

function row(hash: string, accountId: string, revokeAt: string | null): ActiveKeyRow {
  return {
    keyId: `key_${hash.slice(0, 8)}`,
    keyHash: hash,
    accountId,
    plan: 'pro',
    defaultRouting: null,
    defaultProvider: null,
    keySpendCapUsd: null,
    accountSpendCapUsd: null,
    limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
    revokeAt,
  };
}

/** A started cache whose filter is built (unless the source holds it). */
async function startedCache(source: FakeSource, options: KeyCacheOptions = {}): Promise<KeyCache> {
  const cache = new KeyCache(source, { now: () => T0, ...options });
  await cache.start();
  if (source.hold === undefined) await cache.filterSettled();
  return cache;
}

function released(): { hold: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { hold, release };
}

async function look(cache: KeyCache, secret: string): Promise<KeyRecord | undefined> {
  return await cache.lookup(secret);
}

describe('KeyCache', () => {
  it('answers a held key from memory and reads a missed one once', async () => {
    const source = new FakeSource();
    const secret = source.addKey();
    const cache = await startedCache(source);
    const first = cache.lookup(secret);
    assert.ok(first instanceof Promise, 'a key not held is read from the store');
    assert.equal((await first)?.accountId, 'acct_a');
    const again = cache.lookup(secret);
    assert.ok(!(again instanceof Promise), 'then it is held');
    assert.equal(again?.keyId, `key_${hashApiKey(secret).slice(0, 8)}`);
    assert.equal(source.findsOf(secret), 1);
    assert.equal(cache.lookup('not a key'), undefined);
  });

  it('holds at most `capacity` keys, dropping the least recently used', async () => {
    const source = new FakeSource();
    const [a, b, c] = [source.addKey(), source.addKey(), source.addKey()];
    const cache = await startedCache(source, { capacity: 2 });
    await look(cache, a);
    await look(cache, b);
    await look(cache, a);
    await look(cache, c);
    assert.equal(cache.size, 2);
    await look(cache, a);
    assert.equal(source.findsOf(a), 1, 'a was used more recently than b');
    await look(cache, b);
    assert.equal(source.findsOf(b), 2, 'b was dropped and read again');
  });

  it('makes one query per key however many requests wait on it', async () => {
    const source = new FakeSource();
    const secret = source.addKey();
    const cache = await startedCache(source);
    const { hold, release } = released();
    source.hold = hold;
    const waiting = Array.from({ length: 50 }, () => look(cache, secret));
    release();
    const records = await Promise.all(waiting);
    assert.ok(records.every((record) => record?.accountId === 'acct_a'));
    assert.equal(source.finds.length, 1);
  });

  it('refuses made-up keys from memory once its filter is built: of 10,000 random keys about 1 % reach the store, once', async () => {
    const source = new FakeSource();
    for (let i = 0; i < 10_000; i++) source.addKey(`acct_${i % 100}`);
    const cache = await startedCache(source);
    const madeUp = Array.from({ length: 10_000 }, () => generateApiKey());
    for (const secret of madeUp) assert.equal(await look(cache, secret), undefined);
    const queried = source.finds.length;
    assert.ok(queried < 300, `${queried} of 10,000 made-up keys reached the store`);
    assert.equal(cache.stats().refusedByFilter, 10_000 - queried);
    for (const secret of madeUp) assert.equal(await look(cache, secret), undefined);
    assert.equal(source.finds.length, queried, 'the ones that reached it are remembered as unknown');
  });

  it('before its filter is built, sends unknown keys to the store one per key, `lookupConcurrency` at most at once', async () => {
    const source = new FakeSource();
    const { hold, release } = released();
    source.hold = hold;
    const cache = await startedCache(source, { lookupConcurrency: 3 });
    assert.equal(cache.stats().filterReady, false);
    const madeUp = Array.from({ length: 20 }, () => generateApiKey());
    const answers = Promise.all(madeUp.map((secret) => look(cache, secret)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(source.running, 3);
    release();
    assert.deepEqual(await answers, new Array(20).fill(undefined));
    assert.equal(source.maxRunning, 3);
    assert.equal(source.finds.length, 20);
    for (const secret of madeUp) assert.equal(cache.lookup(secret), undefined, 'remembered, answered from memory');
    assert.equal(source.finds.length, 20);
  });

  it('honours a key another process just created, at its first request, whether its notice was pushed or is read on demand', async () => {
    const source = new FakeSource();
    const cache = await startedCache(source);
    const pushed = source.addKey();
    source.notify({ kind: 'keys', keyHashes: [hashApiKey(pushed)] });
    assert.equal((await look(cache, pushed))?.accountId, 'acct_a');

    // SQLite: the notice waits in the log; refusing it unread would turn a brand-new key away.
    const logged = source.addKey();
    source.logged.push({ kind: 'keys', keyHashes: [hashApiKey(logged)] });
    assert.equal((await look(cache, logged))?.accountId, 'acct_a');
    assert.equal(source.catchUps, 1);
    assert.equal(await look(cache, generateApiKey()), undefined);
    assert.equal(source.catchUps, 1, 'with nothing waiting, a made-up key costs no catch-up');
  });

  it('on a pushed feed, honours a key whose notice is still on its way: a refusal waits for a catch-up first', async () => {
    const source = new FakeSource('pushed');
    const cache = await startedCache(source);
    const inFlight = source.addKey();
    source.logged.push({ kind: 'keys', keyHashes: [hashApiKey(inFlight)] });
    assert.equal((await look(cache, inFlight))?.accountId, 'acct_a');
    assert.equal(await look(cache, generateApiKey()), undefined);
    assert.equal(source.catchUps, 2, 'every refusal is confirmed by a catch-up');
    assert.deepEqual(source.finds, [hashApiKey(inFlight)], 'the made-up key reached no key query');
  });

  it('drops only the announced keys or accounts, and everything (rebuilding its filter) on `all`', async () => {
    const source = new FakeSource();
    const [a1, a2, b1] = [source.addKey('acct_a'), source.addKey('acct_a'), source.addKey('acct_b')];
    const cache = await startedCache(source);
    for (const secret of [a1, a2, b1]) await look(cache, secret);
    const reads = (): number[] => [a1, a2, b1].map((secret) => source.findsOf(secret));

    source.notify({ kind: 'keys', keyHashes: [hashApiKey(a1)] });
    for (const secret of [a1, a2, b1]) await look(cache, secret);
    assert.deepEqual(reads(), [2, 1, 1]);

    source.notify({ kind: 'accounts', accountIds: ['acct_a'] });
    for (const secret of [a1, a2, b1]) await look(cache, secret);
    assert.deepEqual(reads(), [3, 2, 1]);

    source.notify({ kind: 'all' });
    assert.equal(cache.size, 0);
    await cache.filterSettled();
    assert.equal(cache.stats().filterBuilds, 2);
    for (const secret of [a1, a2, b1]) await look(cache, secret);
    assert.deepEqual(reads(), [4, 3, 2]);
  });

  it('refuses a key revoked elsewhere once its notice comes, and a revoked key stays refused without queries', async () => {
    const source = new FakeSource();
    const secret = source.addKey();
    const cache = await startedCache(source);
    await look(cache, secret);
    const hash = hashApiKey(secret);
    source.rows.set(hash, row(hash, 'acct_a', new Date(T0).toISOString()));
    assert.ok(cache.lookup(secret), 'held until told');
    source.notify({ kind: 'keys', keyHashes: [hash] });
    assert.equal(await look(cache, secret), undefined);
    assert.equal(await look(cache, secret), undefined);
    assert.equal(source.findsOf(secret), 2);
  });

  it('keeps a rotated key working through its grace period and refuses it from the moment it ends, without a query', async () => {
    const source = new FakeSource();
    let now = T0;
    const secret = source.addKey('acct_a', new Date(T0 + 60_000).toISOString());
    const cache = await startedCache(source, { now: () => now });
    assert.ok(await look(cache, secret));
    now += 59_999;
    assert.ok(cache.lookup(secret));
    now += 1;
    assert.equal(cache.lookup(secret), undefined);
    assert.equal(cache.lookup(secret), undefined);
    assert.equal(source.findsOf(secret), 1);
  });

  it('does not keep the answer of a lookup whose key or account changed while it ran', async () => {
    const source = new FakeSource();
    const [keyChanged, accountChanged] = [source.addKey('acct_a'), source.addKey('acct_b')];
    const cache = await startedCache(source);
    const { hold, release } = released();
    source.hold = hold;
    const answers = Promise.all([look(cache, keyChanged), look(cache, accountChanged)]);
    source.notify({ kind: 'keys', keyHashes: [hashApiKey(keyChanged)] });
    source.notify({ kind: 'accounts', accountIds: ['acct_b'] });
    release();
    const [first, second] = await answers;
    assert.equal(first?.accountId, 'acct_a', 'the request that asked still gets its answer');
    assert.equal(second?.accountId, 'acct_b');
    source.hold = undefined;
    await look(cache, keyChanged);
    await look(cache, accountChanged);
    assert.equal(source.findsOf(keyChanged), 2);
    assert.equal(source.findsOf(accountChanged), 2);
  });

  it('fails a lookup the store cannot answer with KeyLookupError, and keeps nothing', async () => {
    const source = new FakeSource();
    const secret = source.addKey();
    const cache = await startedCache(source, { lookupTimeoutMs: 20 });
    source.hold = new Promise(() => undefined);
    await assert.rejects(look(cache, secret), KeyLookupError);
    const broken = new FakeSource();
    const known = broken.addKey();
    const brokenCache = await startedCache(broken);
    broken.find = async () => {
      throw new Error('connection refused');
    };
    await assert.rejects(look(brokenCache, known), (error: unknown) => error instanceof KeyLookupError && error.cause instanceof Error);
    broken.find = FakeSource.prototype.find;
    assert.equal((await look(brokenCache, known))?.accountId, 'acct_a', 'a failure is not remembered');
  });

  it('reports a failed filter build and serves from the store meanwhile', async () => {
    const source = new FakeSource();
    const secret = source.addKey();
    source.failPages = 1;
    const errors: unknown[] = [];
    const cache = new KeyCache(source, { now: () => T0, onError: (error) => errors.push(error) });
    await cache.start();
    await cache.filterSettled();
    assert.equal(errors.length, 1);
    assert.equal(cache.stats().filterReady, false);
    assert.equal((await look(cache, secret))?.accountId, 'acct_a');
    cache.stop();
  });
});
