/** @module The Redis limiter backend: the shared contract on an injected clock, then its own Redis-side behaviour. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { connectTestRedis, describeWithRedis } from '../../cluster/testing.js';
import { runLimiterContract } from '../limiter.contract.test.js';
import { monthOf } from '../month.js';
import { periodLabel } from '../period.js';
import { DAY_KEY_TTL_MS, LUA_PRELUDE } from './lua-prelude.js';
import { RedisLimiterBackend } from './redis-backend.js';

const redis = await connectTestRedis();

describeWithRedis('RedisLimiterBackend', redis, (client, prefixes) => {
  runLimiterContract('redis', (now) => new RedisLimiterBackend({ redis: client, prefix: prefixes.next(), now }));

  const request = (accountId: string) => ({
    id: randomUUID(),
    accountId,
    keyId: `key-${accountId}`,
    rpm: 60,
    tpm: 1000,
    concurrent: 2,
    slots: 1,
    tokens: 10,
    spend: { costNanoUsd: 1, keyCapNanoUsd: 10, accountCapNanoUsd: null, includedTokens: 1000 },
    leaseTtlMs: 5000,
  });

  it('runs on the Redis clock by default, and every key it writes expires', async () => {
    const prefix = prefixes.next();
    const backend = new RedisLimiterBackend({ redis: client, prefix });
    const result = await backend.admit(request('acct'));
    assert.ok(result.ok);
    assert.equal(result.reservation.month, monthOf(Date.now()));
    const keys = await client.keys(`${prefix}:*`);
    assert.equal(keys.length, 6);
    for (const key of keys) assert.ok((await client.pttl(key)) > 0, `${key} has a TTL`);
    assert.equal(await backend.finish(result.reservation, { tokens: 5, costNanoUsd: 1 }), true);
    assert.equal((await backend.readMonthly({ keyId: 'key-acct' })).spentNanoUsd, 1);
  });

  it('keeps nano-dollar amounts exact past 14 digits', async () => {
    const backend = new RedisLimiterBackend({ redis: client, prefix: prefixes.next() });
    const big = 123_456_789_012_345;
    const spend = { costNanoUsd: big, keyCapNanoUsd: big, accountCapNanoUsd: null, includedTokens: 1000 };
    const result = await backend.admit({ ...request('acct'), spend });
    assert.ok(result.ok);
    assert.equal((await backend.readMonthly({ accountId: 'acct' })).reservedNanoUsd, big);
    await backend.finish(result.reservation, { tokens: 1, costNanoUsd: big - 1 });
    assert.equal((await backend.readMonthly({ accountId: 'acct' })).spentNanoUsd, big - 1);
    assert.equal(await backend.addMonthly({ keyId: 'key-acct' }, result.reservation.month, 1, 0), true);
    assert.equal((await backend.readMonthly({ keyId: 'key-acct' })).spentNanoUsd, big);
  });

  it('adds replayed usage to the current month only', async () => {
    const t = { now: Date.UTC(2026, 2, 31, 23, 0) };
    const backend = new RedisLimiterBackend({ redis: client, prefix: prefixes.next(), now: () => t.now });
    assert.equal(await backend.addMonthly({ accountId: 'a' }, '2026-03', 500, 5), true);
    t.now = Date.UTC(2026, 3, 1);
    assert.equal(await backend.addMonthly({ accountId: 'a' }, '2026-03', 500, 5), false);
    assert.equal(await backend.addMonthly({ accountId: 'a' }, '2026-04', 7, 1), true);
    assert.deepEqual(await backend.readMonthly({ accountId: 'a' }), {
      month: '2026-04',
      spentNanoUsd: 7,
      reservedNanoUsd: 0,
      tokens: 1,
      reservedTokens: 0,
    });
  });

  it('loads its scripts again after SCRIPT FLUSH', async () => {
    const backend = new RedisLimiterBackend({ redis: client, prefix: prefixes.next() });
    await client.script('FLUSH');
    assert.ok((await backend.admit(request('acct'))).ok);
  });

  it('labels months as the UTC calendar does', async () => {
    const probe = `${LUA_PRELUDE}\nreturn month_of(tonumber(ARGV[1]))`;
    const instants = [0, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 2, 1), Date.UTC(2100, 1, 28, 12)];
    for (let year = 2024; year <= 2030; year += 1) {
      for (let month = 0; month < 12; month += 1) instants.push(Date.UTC(year, month, 1) - 1, Date.UTC(year, month, 1));
    }
    for (const ms of instants) assert.equal(await client.eval(probe, 0, String(ms)), monthOf(ms), new Date(ms).toISOString());
  });

  it('labels budget days and ISO weeks as period.ts does, across month, year and leap-day boundaries', async () => {
    const probe = `${LUA_PRELUDE}\nreturn period_label(tonumber(ARGV[1]), ARGV[2])`;
    const instants = [0, Date.UTC(2000, 1, 29, 12), Date.UTC(2024, 1, 29), Date.UTC(2026, 0, 1), Date.UTC(2025, 11, 29) - 1];
    for (let day = 0; day < 800; day += 3) instants.push(Date.UTC(2025, 10, 1) + day * 86_400_000 - 1, Date.UTC(2025, 10, 1) + day * 86_400_000);
    for (const ms of instants) {
      for (const period of ['daily', 'weekly', 'monthly'] as const) {
        assert.equal(await client.eval(probe, 0, String(ms), period), periodLabel(period, ms), `${period} ${new Date(ms).toISOString()}`);
      }
    }
  });

  it('keeps a key budget counter and its own windows under their own names, each expiring', async () => {
    const prefix = prefixes.next();
    const backend = new RedisLimiterBackend({ redis: client, prefix });
    const base = request('acct-k');
    const spend = { ...base.spend, keyBudget: { capNanoUsd: 10, period: 'daily' as const } };
    const result = await backend.admit({ ...base, keyRpm: 5, keyTpm: 500, spend });
    assert.ok(result.ok);
    assert.equal(result.reservation.budgetLabel, periodLabel('daily', Date.now()));
    const keys = (await client.keys(`${prefix}:*`)).sort();
    assert.deepEqual(
      keys.filter((key) => key.includes(':key:')),
      [
        `${prefix}:budget:daily:key:key-acct-k`,
        `${prefix}:key:key-acct-k:amounts`,
        `${prefix}:key:key-acct-k:log`,
        `${prefix}:key:key-acct-k:tokens`,
        `${prefix}:month:key:key-acct-k`,
      ],
    );
    for (const key of keys) assert.ok((await client.pttl(key)) > 0, `${key} has a TTL`);
    const budgetTtl = await client.pttl(`${prefix}:budget:daily:key:key-acct-k`);
    assert.ok(budgetTtl <= DAY_KEY_TTL_MS && budgetTtl > DAY_KEY_TTL_MS - 60_000);
  });
});
