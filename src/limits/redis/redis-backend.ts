/**
 * @module The Redis limiter backend: the {@link LimiterBackend} every gateway instance shares, so limits hold
 * across instances exactly rather than per process. Each method is one Lua script (one round trip, atomic on the
 * server); see the `*-script.ts` files for the data layout.
 *
 * Clock: by default each script reads Redis `TIME`, so all instances agree on windows, lease expiries and months
 * whatever their own clocks say. Tests pass `now` instead to drive time; production must not (instances' clocks
 * would then mix in the shared windows).
 *
 * Expiry: window keys expire a minute after their last write, lease sets a second after their longest lease,
 * monthly counters 40 days after their last write (a key budget's daily or weekly counter 2 or 9 days), so an idle
 * account leaves nothing behind. A crashed instance's
 * leases stop counting at their expiry, because every admission drops expired leases before counting.
 */
import type { Redis } from 'ioredis';
import { isShortPeriod } from '../period.js';
import { scopePeriod } from '../types.js';
import type {
  ActualUsage,
  AdmitRequest,
  AdmitResult,
  EffectiveLimits,
  KeyWindowLimits,
  LimiterBackend,
  MonthlyScope,
  MonthlyTotals,
  Rejection,
  Reservation,
  WindowSnapshot,
} from '../types.js';
import { snapshotOf, tighterWindow, type WindowCounts } from '../window.js';
import { ADD_MONTHLY_SCRIPT } from './add-monthly-script.js';
import { ADMIT_SCRIPT } from './admit-script.js';
import { FINISH_SCRIPT } from './finish-script.js';
import { PEEK_SCRIPT } from './peek-script.js';
import { RAISE_MONTHLY_SCRIPT } from './raise-monthly-script.js';
import { READ_MONTHLY_SCRIPT } from './read-monthly-script.js';
import { LimiterKeys } from './redis-keys.js';
import { RENEW_SCRIPT } from './renew-script.js';
import { intArg, replyArray, replyNumber, replyString } from './script-reply.js';
import { SEED_MONTHLY_SCRIPT } from './seed-monthly-script.js';

/** What a {@link RedisLimiterBackend} needs. */
export interface RedisLimiterOptions {
  /** A connected ioredis client (shared with other users is fine: the backend only runs scripts on it). */
  readonly redis: Redis;
  /** Prefix of every key, e.g. `op` or a per-test random string; instances sharing limits share the prefix. */
  readonly prefix: string;
  /** Tests only: the clock in ms. Omitted, the scripts use Redis `TIME`. */
  readonly now?: () => number;
}

/** A {@link LimiterBackend} in Redis, shared by every instance using the same Redis and prefix. */
export class RedisLimiterBackend implements LimiterBackend {
  readonly #redis: Redis;
  readonly #keys: LimiterKeys;
  readonly #now: (() => number) | undefined;

  constructor(options: RedisLimiterOptions) {
    this.#redis = options.redis;
    this.#keys = new LimiterKeys(options.prefix);
    this.#now = options.now;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const w = this.#keys.windows(request.accountId);
    const k = this.#keys.keyWindows(request.keyId);
    const { spend } = request;
    const budget = spend?.keyBudget ?? null;
    const keyMonth = this.#keys.keyMonth(request.keyId);
    const budgetKey = budget === null || budget.period === 'monthly' ? keyMonth : this.#keys.keyBudget(request.keyId, budget.period);
    const keys = [w.log, w.amounts, w.tokens, w.leases, this.#keys.accountMonth(request.accountId), keyMonth, k.log, k.amounts, k.tokens, budgetKey];
    const keyRpm = request.keyRpm ?? null;
    const keyTpm = request.keyTpm ?? null;
    const args = [
      this.#clock(),
      request.id,
      request.rpm,
      request.tpm,
      request.concurrent,
      intArg(request.tokens),
      intArg(request.leaseTtlMs),
      spend === null ? '0' : '1',
      intArg(spend?.costNanoUsd ?? 0),
      capArg(spend?.keyCapNanoUsd ?? null),
      capArg(spend?.accountCapNanoUsd ?? null),
      intArg(spend?.includedTokens ?? 0),
      intArg(request.slots),
      limitArg(keyRpm),
      limitArg(keyTpm),
      capArg(budget?.capNanoUsd ?? null),
      budget?.period ?? '',
    ];
    const reply = replyArray(await ADMIT_SCRIPT.run(this.#redis, keys, args), 10, 'admit');
    const account = snapshotOf(countsAt(reply, 3, 'admit'), request.rpm, request.tpm);
    const window = tighterWindow(account, countsAt(reply, 6, 'admit'), keyRpm, keyTpm);
    if (replyNumber(reply[0], 'admit') === 1) {
      const { id, accountId, keyId, tokens, slots } = request;
      const month = replyString(reply[1], 'admit');
      const label = replyString(reply[9], 'admit');
      const budgetLabel = label === '' ? null : label;
      return { ok: true, reservation: { id, accountId, keyId, month, budgetLabel, tokens, spend, slots }, window };
    }
    const rejection = rejectionOf(replyString(reply[1], 'admit'), replyNumber(reply[2], 'admit'));
    return { ok: false, rejection, window };
  }

  async finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    const w = this.#keys.windows(reservation.accountId);
    const k = this.#keys.keyWindows(reservation.keyId);
    const { spend } = reservation;
    const period = spend?.keyBudget?.period;
    const keyMonth = this.#keys.keyMonth(reservation.keyId);
    const budgetKey = isShortPeriod(period) ? this.#keys.keyBudget(reservation.keyId, period) : keyMonth;
    const keys = [w.leases, w.amounts, w.tokens, this.#keys.accountMonth(reservation.accountId), keyMonth, k.amounts, k.tokens, budgetKey];
    const args = [
      this.#clock(),
      reservation.id,
      reservation.month,
      spend === null ? '0' : '1',
      intArg(-(spend?.costNanoUsd ?? 0)),
      intArg(-reservation.tokens),
      intArg(actual?.costNanoUsd ?? 0),
      intArg(actual?.tokens ?? 0),
      intArg(reservation.slots),
      reservation.budgetLabel ?? '',
    ];
    return replyNumber(await FINISH_SCRIPT.run(this.#redis, keys, args), 'finish') === 1;
  }

  async renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    const keys = [this.#keys.windows(reservation.accountId).leases];
    const reply = await RENEW_SCRIPT.run(this.#redis, keys, [this.#clock(), reservation.id, intArg(ttlMs), intArg(reservation.slots)]);
    return replyNumber(reply, 'renew') === 1;
  }

  async peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>, key?: KeyWindowLimits): Promise<WindowSnapshot> {
    const w = this.#keys.windows(accountId);
    const keys = [w.log, w.amounts, w.tokens];
    if (key !== undefined) {
      const k = this.#keys.keyWindows(key.keyId);
      keys.push(k.log, k.amounts, k.tokens);
    }
    const args = [this.#clock(), key === undefined ? '0' : '1'];
    const reply = replyArray(await PEEK_SCRIPT.run(this.#redis, keys, args), 6, 'peek');
    const account = snapshotOf(countsAt(reply, 0, 'peek'), limits.rpm, limits.tpm);
    return key === undefined ? account : tighterWindow(account, countsAt(reply, 3, 'peek'), key.rpm, key.tpm);
  }

  async seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    const args = [this.#clock(), intArg(spentNanoUsd), intArg(tokens), scopePeriod(scope)];
    await SEED_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], args);
  }

  async raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const args = [this.#clock(), intArg(spentNanoUsd), intArg(tokens), scopePeriod(scope)];
    await RAISE_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], args);
    return true;
  }

  async readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    const reply = await READ_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], [this.#clock(), scopePeriod(scope)]);
    const [month, spent, reserved, tokens, reservedTokens] = replyArray(reply, 5, 'read-monthly');
    return {
      month: replyString(month, 'read-monthly'),
      spentNanoUsd: replyNumber(spent, 'read-monthly'),
      reservedNanoUsd: replyNumber(reserved, 'read-monthly'),
      tokens: replyNumber(tokens, 'read-monthly'),
      reservedTokens: replyNumber(reservedTokens, 'read-monthly'),
    };
  }

  /**
   * Adds used cost and tokens to a scope's counter for `month` (its period's label; dropped if that period has
   * passed). Not part of the {@link LimiterBackend} contract: `FallbackLimiterBackend` replays usage settled locally
   * through it.
   */
  async addMonthly(scope: MonthlyScope, month: string, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const args = [this.#clock(), month, intArg(spentNanoUsd), intArg(tokens), scopePeriod(scope)];
    return replyNumber(await ADD_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], args), 'add-monthly') === 1;
  }

  /** Resolves when Redis answers a PING; for health checks and for the fallback's recovery probe. */
  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  /** '' tells the scripts to read Redis TIME. */
  #clock(): string {
    return this.#now === undefined ? '' : String(this.#now());
  }
}

function capArg(cap: number | null): string {
  return cap === null ? '' : intArg(cap);
}

function limitArg(limit: number | null): string {
  return limit === null ? '' : String(limit);
}

/** A window's requests, reset and tokens from three consecutive reply elements starting at `at`. */
function countsAt(reply: readonly unknown[], at: number, script: string): WindowCounts {
  return { requests: replyNumber(reply[at], script), resetMs: replyNumber(reply[at + 1], script), tokens: replyNumber(reply[at + 2], script) };
}

/** The rejection a script reported; -1 stands for "never" (null). */
function rejectionOf(stage: string, waitMs: number): Rejection {
  const retryAfterMs = waitMs < 0 ? null : waitMs;
  switch (stage) {
    case 'rpm':
    case 'key_rpm':
    case 'tpm':
    case 'key_tpm':
      return { stage, retryAfterMs };
    case 'concurrency':
    case 'key_spend':
    case 'key_budget':
    case 'account_spend':
    case 'included_tokens':
      return { stage };
    default:
      throw new Error(`Unknown rejection stage from the admit script: ${stage}`);
  }
}
