/** @module The fallback backend: local shares while the shared backend fails, and resynchronisation after. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { connectTestRedis, describeWithRedis, waitFor } from '../../cluster/testing.js';
import { LeaseKeeper } from '../lease-keeper.js';
import { runLimiterContract } from '../limiter.contract.test.js';
import type { AdmitRequest, Reservation } from '../types.js';
import { FallbackLimiterBackend, type LimiterLogger, type SharedLimiterBackend } from './fallback-backend.js';
import { FlakyBackend } from './flaky-backend.js';
import { RedisLimiterBackend } from './redis-backend.js';

const USD = 1e9;
const T0 = Date.UTC(2026, 4, 10, 12);

/** A logger that keeps what it was told. */
function recordingLogger(): LimiterLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_, message) => lines.push(`warn ${message}`), info: (_, message) => lines.push(`info ${message}`) };
}

function world(instances = 2) {
  const clock = { t: T0 };
  const now = (): number => clock.t;
  const primary = new FlakyBackend(now);
  const logger = recordingLogger();
  const changes: boolean[] = [];
  const backend = new FallbackLimiterBackend({
    primary,
    instances,
    now,
    timeoutMs: 50,
    probeIntervalMs: 1000,
    logger,
    onDegradedChange: (degraded) => changes.push(degraded),
  });
  const request = (overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    id: randomUUID(),
    accountId: 'acct',
    keyId: 'key',
    rpm: 10,
    tpm: 10_000,
    concurrent: 10,
    slots: 1,
    tokens: 10,
    spend: null,
    leaseTtlMs: 60_000,
    ...overrides,
  });
  const admitOk = async (overrides: Partial<AdmitRequest> = {}): Promise<Reservation> => {
    const result = await backend.admit(request(overrides));
    assert.ok(result.ok, JSON.stringify(result));
    return result.reservation;
  };
  return { clock, primary, logger, changes, backend, request, admitOk };
}

describe('FallbackLimiterBackend', () => {
  it('uses the shared backend while it answers', async () => {
    const { primary, backend, admitOk } = world();
    await admitOk();
    assert.equal((await primary.inner.peek('acct', { rpm: 10, tpm: 10_000 })).requestsRemaining, 9);
    assert.equal(backend.degraded, false);
  });

  it('serves this instance’s share locally when the shared backend fails, and says so once', async () => {
    const { primary, logger, changes, backend, request, admitOk } = world(2);
    primary.mode = 'down';
    for (let i = 0; i < 5; i += 1) await admitOk();
    const rejected = await backend.admit(request());
    assert.deepEqual(rejected.ok ? undefined : rejected.rejection.stage, 'rpm');
    assert.equal(rejected.window.requestsLimit, 5, 'headers show the local share');
    assert.equal(backend.degraded, true);
    assert.deepEqual(changes, [true]);
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0] ?? '', /^warn limiter: Redis unavailable \(admit\); serving local limits at a 1\/2 share/);
    assert.equal((await backend.peek('acct', { rpm: 10, tpm: 10_000 })).requestsLimit, 5);
  });

  it('cuts concurrency to its share and releases local leases locally', async () => {
    const { primary, backend, request, admitOk } = world(2);
    primary.mode = 'down';
    const a = await admitOk({ concurrent: 4 });
    await admitOk({ concurrent: 4 });
    assert.deepEqual((await backend.admit(request({ concurrent: 4 }))).ok, false);
    assert.equal(await backend.finish(a, null), true);
    await admitOk({ concurrent: 4 });
  });

  it('treats a call slower than the deadline as failed', async () => {
    const { primary, backend, admitOk } = world();
    primary.mode = 'slow';
    const started = Date.now();
    await admitOk();
    assert.ok(Date.now() - started < 1000);
    assert.equal(backend.degraded, true);
    primary.release();
  });

  it('returns to Redis when it answers, replaying finishes, refunds and local usage', async () => {
    const { clock, primary, changes, backend, admitOk, logger } = world(2);
    const spend = { costNanoUsd: USD, keyCapNanoUsd: 10 * USD, accountCapNanoUsd: null, includedTokens: 1e6 };
    const shared = await admitOk({ spend });
    primary.mode = 'slow';
    await admitOk({ spend });
    primary.release();
    primary.mode = 'down';
    const local = await admitOk({ spend });
    assert.equal(await backend.finish(shared, { tokens: 5, costNanoUsd: USD / 2 }), false, 'queued');
    assert.equal(await backend.finish(local, { tokens: 7, costNanoUsd: USD / 4 }), true);
    assert.equal(backend.owed, 4, 'a finish, a refund, and usage for the account and the key');

    primary.mode = 'up';
    clock.t += 999;
    const calls = primary.calls;
    await admitOk();
    assert.equal(primary.calls, calls, 'no probe within the interval');
    clock.t += 1;
    await admitOk();
    assert.ok(primary.calls > calls, 'a call after the interval probes');
    assert.equal(await backend.probe(), true);
    assert.equal(backend.degraded, false);
    assert.deepEqual(changes, [true, false]);
    await waitFor(() => backend.owed === 0, 1000, 'local usage to be replayed');
    assert.match(logger.lines.at(-1) ?? '', /^info limiter: Redis answers again/);
    const key = await primary.inner.readMonthly({ keyId: 'key' });
    assert.equal(key.reservedNanoUsd, 0, 'the timed-out admission was refunded');
    assert.equal(key.spentNanoUsd, USD / 2 + USD / 4);
    await admitOk({ concurrent: 2 });
    await admitOk({ concurrent: 2 });
    assert.equal(backend.degraded, false, 'both Redis leases (settled and refunded) were released');
  });

  it('flushes what it owes on shutdown once Redis answers', async () => {
    const { primary, backend, admitOk } = world(2);
    const spend = { costNanoUsd: USD, keyCapNanoUsd: null, accountCapNanoUsd: null, includedTokens: 1e6 };
    const shared = await admitOk({ spend });
    primary.mode = 'down';
    await backend.finish(shared, { tokens: 3, costNanoUsd: USD / 10 });
    await backend.finish(await admitOk({ spend }), { tokens: 4, costNanoUsd: USD / 5 });
    await backend.flush();
    assert.equal(backend.owed, 3, 'Redis still down: nothing replayed, nothing lost');
    primary.mode = 'up';
    await backend.flush();
    assert.equal(backend.owed, 0);
    assert.equal(backend.degraded, false);
    const account = await primary.inner.readMonthly({ accountId: 'acct' });
    assert.deepEqual([account.spentNanoUsd, account.reservedNanoUsd, account.tokens], [0.3 * USD, 0, 7]);
  });

  it('caps spend at its share of the headroom last read from Redis', async () => {
    const { clock, primary, backend, admitOk, request } = world(2);
    const spend = { costNanoUsd: USD, keyCapNanoUsd: 10 * USD, accountCapNanoUsd: null, includedTokens: 1e6 };
    await primary.inner.seedMonthly({ keyId: 'key' }, 4 * USD, 0);
    const first = await admitOk({ spend });
    await backend.finish(first, { tokens: 1, costNanoUsd: USD });
    clock.t += 5000;
    await admitOk({ spend });
    await new Promise((resolve) => setImmediate(resolve));
    primary.mode = 'down';
    // Redis: spent 5, reserved 1 of 10; the headroom of 4 halves to 2 for this instance.
    await admitOk({ spend });
    await admitOk({ spend });
    const third = await backend.admit(request({ spend }));
    assert.deepEqual(third.ok ? undefined : third.rejection, { stage: 'key_spend' });
  });

  it('raises monthly totals in Redis while it answers; when it does not, locally only, answering false', async () => {
    const { primary, backend } = world(2);
    assert.equal(await backend.raiseMonthly({ accountId: 'acct' }, 3 * USD, 30), true);
    assert.equal((await primary.inner.readMonthly({ accountId: 'acct' })).spentNanoUsd, 3 * USD);
    primary.mode = 'down';
    assert.equal(await backend.raiseMonthly({ keyId: 'key' }, 2 * USD, 20), false, 'the caller must raise it again later');
    assert.equal((await backend.readMonthly({ keyId: 'key' })).spentNanoUsd, 2 * USD, 'the local counter holds it meanwhile');
    assert.equal((await primary.inner.readMonthly({ keyId: 'key' })).spentNanoUsd, 0);
  });

  it('does not let a wrong N through', () => {
    assert.throws(() => new FallbackLimiterBackend({ primary: new FlakyBackend(Date.now), instances: 0 }));
  });

  it('logs through a pino logger: a warn with the cause when it falls back, an info when Redis answers again', async () => {
    const lines: string[] = [];
    const logger: LimiterLogger = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(line) });
    const { request } = world();
    const primary = new FlakyBackend(() => T0);
    const backend = new FallbackLimiterBackend({ primary, instances: 2, now: () => T0, probeIntervalMs: 0, logger });
    primary.mode = 'down';
    assert.ok((await backend.admit(request())).ok);
    primary.mode = 'up';
    assert.equal(await backend.probe(), true);
    // Stack traces left out: they name this file's lines.
    const records: unknown[] = lines.map((line) => JSON.parse(line, (key, value: unknown) => (key === 'stack' ? undefined : value)));
    assert.deepEqual(records, [
      {
        level: 40,
        err: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379' },
        operation: 'admit',
        instances: 2,
        msg: 'limiter: Redis unavailable (admit); serving local limits at a 1/2 share',
      },
      { level: 30, droppedFinishes: 0, msg: 'limiter: Redis answers again; shared limits restored' },
    ]);
  });
});

describe('FallbackLimiterBackend degraded for good, one instance', () => {
  runLimiterContract('fallback on local limits', (now) => {
    const primary = new FlakyBackend(now);
    primary.mode = 'down';
    return new FallbackLimiterBackend({ primary, instances: 1, now });
  });
});

const redis = await connectTestRedis();

describeWithRedis('FallbackLimiterBackend over Redis', redis, (client, prefixes) => {
  runLimiterContract('fallback over healthy redis', (now) => {
    const primary: SharedLimiterBackend = new RedisLimiterBackend({ redis: client, prefix: prefixes.next(), now });
    // A deadline no loaded machine misses: this run checks the healthy path, not timing.
    return new FallbackLimiterBackend({ primary, instances: 2, now, timeoutMs: 10_000 });
  });

  it('falls back when the connection drops and returns when it is back', async () => {
    const prefix = prefixes.next();
    const connection = client.duplicate({ enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    connection.on('error', () => undefined);
    await connection.connect();
    const primary = new RedisLimiterBackend({ redis: connection, prefix });
    const backend = new FallbackLimiterBackend({ primary, instances: 2, probeIntervalMs: 0 });
    const request = (): AdmitRequest => ({
      id: randomUUID(),
      accountId: 'acct',
      keyId: 'key',
      rpm: 100,
      tpm: 100_000,
      concurrent: 10,
      slots: 1,
      tokens: 10,
      spend: null,
      leaseTtlMs: 60_000,
    });
    const shared = await backend.admit(request());
    assert.ok(shared.ok);
    connection.disconnect();
    await once(connection, 'end');
    const local = await backend.admit(request());
    assert.ok(local.ok);
    assert.equal(backend.degraded, true);
    assert.equal(await backend.finish(shared.reservation, null), false);
    await connection.connect();
    assert.equal(await backend.probe(), true);
    assert.equal(await client.zcard(`${prefix}:acct:acct:lease`), 0, 'the queued finish released the Redis lease');
    assert.equal(await backend.finish(local.reservation, null), true);
    connection.disconnect();
  });

  it('with a lease keeper, holds leases past their TTL until they are finished; unrenewed ones lapse', async (context) => {
    // Time is explicit: the scripts and the keeper read `now`, and the keeper's timer is mocked; Redis keys' own
    // expiry (far longer than the test) is the only real time involved.
    context.mock.timers.enable({ apis: ['setTimeout'] });
    let t = Date.now();
    const now = (): number => t;
    const prefix = prefixes.next();
    const TTL = 300;
    const request = (concurrent: number): AdmitRequest => ({
      id: randomUUID(),
      accountId: 'acct',
      keyId: 'key',
      rpm: 100,
      tpm: 100_000,
      concurrent,
      slots: 1,
      tokens: 10,
      spend: null,
      leaseTtlMs: TTL,
    });
    const instance = (): FallbackLimiterBackend =>
      new FallbackLimiterBackend({ primary: new RedisLimiterBackend({ redis: client, prefix, now }), instances: 2, timeoutMs: 10_000, now });
    const backend = instance();
    const keeper = new LeaseKeeper(backend, now);
    // Another instance that admits but never renews: as if it had crashed right after admission.
    const crashed = instance();
    const held = await backend.admit(request(2));
    const lost = await crashed.admit(request(2));
    assert.ok(held.ok && lost.ok);
    keeper.hold(held.reservation, TTL);
    assert.equal((await backend.admit(request(2))).ok, false, 'both slots taken');
    // Three TTLs in 10 ms steps, each renewal the keeper starts finished before the next (it arms its next timer then).
    for (let passed = 0; passed < TTL * 3; passed += 10) {
      t += 10;
      context.mock.timers.tick(10);
      await keeper.settled();
    }
    // The unrenewed lease has lapsed; the kept one still holds its slot three TTLs later.
    const third = await backend.admit(request(2));
    assert.ok(third.ok, 'the lapsed lease freed its slot');
    assert.equal((await backend.admit(request(2))).ok, false, 'the kept lease still counts');
    keeper.release(held.reservation);
    assert.equal(keeper.size, 0, 'a released lease is no longer renewed');
    assert.equal(await backend.finish(held.reservation, null), true, 'still live when finished');
    assert.equal(await backend.finish(third.reservation, null), true);
    assert.equal(await client.zcard(`${prefix}:acct:acct:lease`), 0);
  });
});
