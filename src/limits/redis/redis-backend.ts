/**
 * @module The Redis limiter backend: the {@link LimiterBackend} every gateway instance shares, so limits hold
 * across instances exactly rather than per process. Each method is one Lua script (one round trip, atomic on the
 * server); see the `*-script.ts` files for the data layout.
 *
 * Clock: by default each script reads Redis `TIME`, so all instances agree on windows, lease expiries and months
 * whatever their own clocks say. Tests pass `now` instead to drive time; production must not (instances' clocks
 * would then mix in the shared windows).
 *
 * Expiry: window keys expire a minute after their last write, lease sets a second after their longest lease, and
 * monthly counters 40 days after their last write, so an idle account leaves nothing behind. A crashed instance's
 * leases stop counting at their expiry, because every admission drops expired leases before counting.
 */
import type { Redis } from 'ioredis';
import type {
  ActualUsage,
  AdmitRequest,
  AdmitResult,
  EffectiveLimits,
  LimiterBackend,
  MonthlyScope,
  MonthlyTotals,
  Rejection,
  Reservation,
  WindowSnapshot,
} from '../types.js';
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
    const { spend } = request;
    const keys = [w.log, w.amounts, w.tokens, w.leases];
    keys.push(this.#keys.accountMonth(request.accountId), this.#keys.keyMonth(request.keyId));
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
    ];
    const reply = replyArray(await ADMIT_SCRIPT.run(this.#redis, keys, args), 6, 'admit');
    const window: WindowSnapshot = {
      requestsLimit: request.rpm,
      requestsRemaining: replyNumber(reply[3], 'admit'),
      requestsResetMs: replyNumber(reply[4], 'admit'),
      tokensLimit: request.tpm,
      tokensRemaining: replyNumber(reply[5], 'admit'),
    };
    if (replyNumber(reply[0], 'admit') === 1) {
      const { id, accountId, keyId, tokens, slots } = request;
      const month = replyString(reply[1], 'admit');
      return { ok: true, reservation: { id, accountId, keyId, month, tokens, spend, slots }, window };
    }
    const rejection = rejectionOf(replyString(reply[1], 'admit'), replyNumber(reply[2], 'admit'));
    return { ok: false, rejection, window };
  }

  async finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    const w = this.#keys.windows(reservation.accountId);
    const keys = [w.leases, w.amounts, w.tokens];
    keys.push(this.#keys.accountMonth(reservation.accountId), this.#keys.keyMonth(reservation.keyId));
    const { spend } = reservation;
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
    ];
    return replyNumber(await FINISH_SCRIPT.run(this.#redis, keys, args), 'finish') === 1;
  }

  async renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    const keys = [this.#keys.windows(reservation.accountId).leases];
    const reply = await RENEW_SCRIPT.run(this.#redis, keys, [this.#clock(), reservation.id, intArg(ttlMs), intArg(reservation.slots)]);
    return replyNumber(reply, 'renew') === 1;
  }

  async peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>): Promise<WindowSnapshot> {
    const w = this.#keys.windows(accountId);
    const keys = [w.log, w.amounts, w.tokens];
    const reply = replyArray(await PEEK_SCRIPT.run(this.#redis, keys, [this.#clock()]), 3, 'peek');
    return {
      requestsLimit: limits.rpm,
      requestsRemaining: Math.max(0, limits.rpm - replyNumber(reply[0], 'peek')),
      requestsResetMs: replyNumber(reply[1], 'peek'),
      tokensLimit: limits.tpm,
      tokensRemaining: Math.max(0, limits.tpm - replyNumber(reply[2], 'peek')),
    };
  }

  async seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    const args = [this.#clock(), intArg(spentNanoUsd), intArg(tokens)];
    await SEED_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], args);
  }

  async raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const args = [this.#clock(), intArg(spentNanoUsd), intArg(tokens)];
    await RAISE_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], args);
    return true;
  }

  async readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    const reply = await READ_MONTHLY_SCRIPT.run(this.#redis, [this.#keys.month(scope)], [this.#clock()]);
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
   * Adds used cost and tokens to a scope's counter for `month` (dropped if that month has passed). Not part of
   * the {@link LimiterBackend} contract: `FallbackLimiterBackend` replays usage settled locally through it.
   */
  async addMonthly(scope: MonthlyScope, month: string, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const args = [this.#clock(), month, intArg(spentNanoUsd), intArg(tokens)];
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

/** The rejection a script reported; -1 stands for "never" (null). */
function rejectionOf(stage: string, waitMs: number): Rejection {
  const retryAfterMs = waitMs < 0 ? null : waitMs;
  switch (stage) {
    case 'rpm':
    case 'tpm':
      return { stage, retryAfterMs };
    case 'concurrency':
    case 'key_spend':
    case 'account_spend':
    case 'included_tokens':
      return { stage };
    default:
      throw new Error(`Unknown rejection stage from the admit script: ${stage}`);
  }
}
