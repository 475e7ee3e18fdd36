/**
 * @module Keeps admission serving when Redis is not. `FallbackLimiterBackend` sends every call to the shared
 * (Redis) backend while it answers within a short deadline; after a failure or a timeout it serves from a local
 * in-memory backend, with each limit cut to this instance's share (see `local-share.ts`), logs once and sets
 * `degraded` (for metrics), and probes Redis now and then. When Redis answers again it resynchronises and returns:
 *
 * - Reservations Redis made are finished in Redis. While degraded their finishes are queued and replayed on
 *   recovery, before admissions return to Redis (finishing is idempotent, so a replayed finish that had already
 *   run changes nothing); an admission that timed out gets a refund queued, since it may have run after all. A
 *   lease whose finish never arrives expires at its TTL.
 * - Reservations made locally stay local: their leases are released locally whenever they end, before or after
 *   recovery, and their rate-window hits are not replayed (they age out within a minute, during which this instance
 *   may admit up to its local share beyond the shared windows). The usage they settle is added to Redis's monthly
 *   counters (in the background, just after recovery or as they end), so spend caps count it.
 * - Monthly bases: while healthy, the counters of the accounts and keys served are read from Redis every sync
 *   interval, so a degraded instance caps spend at its share of what was left, not of the whole cap.
 * - `seedMonthly` and `raiseMonthly` while degraded reach only the local backend; `raiseMonthly` then answers false,
 *   so its caller raises again once Redis is back.
 *
 * - Renewing a Redis lease while degraded cannot be done, nor can its loss be known: `renew` answers true so the
 *   admission's lease keeper tries again later, once Redis answers.
 *
 * `instances` (N) is the number of gateway instances sharing the limits; the composition root reads it from the
 * configuration (e.g. `OP_INSTANCES`). If fewer than N instances are degraded at once, the cluster admits less
 * than the limits; never more, except for the rate-window overlap just after recovery described above.
 */
import { MemoryLimiterBackend } from '../memory/memory-backend.js';
import { MonthCache } from '../month.js';
import { isShortPeriod, periodLabel } from '../period.js';
import type {
  ActualUsage,
  AdmitRequest,
  AdmitResult,
  EffectiveLimits,
  KeyWindowLimits,
  LimiterBackend,
  MonthlyScope,
  MonthlyTotals,
  Reservation,
  WindowSnapshot,
} from '../types.js';
import { scaleRequest, shareOf } from './local-share.js';
import { MonthlyMirror } from './monthly-mirror.js';
import { ReplayQueue } from './replay-queue.js';
import { withTimeout } from './with-timeout.js';

/** The shared backend a fallback wraps: a limiter that can be pinged and can take replayed usage. */
export interface SharedLimiterBackend extends LimiterBackend {
  /** Resolves when the backend answers. */
  ping(): Promise<void>;
  /** Adds used cost and tokens to a scope's counter for `month` (dropped if that month has passed). */
  addMonthly(scope: MonthlyScope, month: string, spentNanoUsd: number, tokens: number): Promise<boolean>;
}

/** Where the fallback reports going degraded and coming back (pino's and Fastify's loggers fit). */
export interface LimiterLogger {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

/** The defaults of {@link FallbackLimiterBackend}. */
export const FALLBACK_DEFAULTS = Object.freeze({
  /**
   * A Redis call slower than this is treated as failed: admission must not wait on a sick Redis. Not shorter: on a
   * busy machine a healthy loopback Redis took over 250 ms, and every spurious switch to local limits enforces caps
   * from a slightly stale view of what other instances have reserved.
   */
  timeoutMs: 1000,
  /** While degraded, Redis is probed at most this often (driven by calls, no timer). */
  probeIntervalMs: 1000,
  /** While healthy, monthly bases are refreshed at most this often. */
  syncIntervalMs: 5000,
});

/** What a {@link FallbackLimiterBackend} needs. */
export interface FallbackLimiterOptions {
  /** The shared backend, normally a `RedisLimiterBackend`. */
  readonly primary: SharedLimiterBackend;
  /** Gateway instances sharing the limits (N); each serves 1/N of them while degraded. At least 1. */
  readonly instances: number;
  /** Clock for the local backend, month labels and probe spacing; defaults to `Date.now`. */
  readonly now?: () => number;
  /** The local backend; defaults to a `MemoryLimiterBackend` on `now`. */
  readonly local?: LimiterBackend;
  readonly timeoutMs?: number;
  readonly probeIntervalMs?: number;
  readonly syncIntervalMs?: number;
  readonly logger?: LimiterLogger;
  /** Told on every change of {@link FallbackLimiterBackend.degraded}, e.g. to set a gauge. */
  readonly onDegradedChange?: (degraded: boolean) => void;
}

/** A {@link LimiterBackend} over a shared backend that falls back to local limits when the shared one fails. */
export class FallbackLimiterBackend implements LimiterBackend {
  readonly #primary: SharedLimiterBackend;
  readonly #local: LimiterBackend;
  readonly #instances: number;
  readonly #now: () => number;
  readonly #months = new MonthCache();
  readonly #timeoutMs: number;
  readonly #probeIntervalMs: number;
  readonly #syncIntervalMs: number;
  readonly #logger: LimiterLogger | undefined;
  readonly #onDegradedChange: ((degraded: boolean) => void) | undefined;
  readonly #localReservations = new WeakSet<Reservation>();
  readonly #mirror = new MonthlyMirror();
  readonly #owed = new ReplayQueue();
  #degraded = false;
  #lastProbe = Number.NEGATIVE_INFINITY;
  #lastSync = Number.NEGATIVE_INFINITY;
  #recovering: Promise<boolean> | undefined;
  #replaying: Promise<void> | undefined;
  #syncing: Promise<void> | undefined;

  constructor(options: FallbackLimiterOptions) {
    if (!Number.isInteger(options.instances) || options.instances < 1) {
      throw new Error(`instances must be a positive integer, got ${options.instances}`);
    }
    this.#primary = options.primary;
    this.#instances = options.instances;
    this.#now = options.now ?? Date.now;
    this.#local = options.local ?? new MemoryLimiterBackend(this.#now);
    this.#timeoutMs = options.timeoutMs ?? FALLBACK_DEFAULTS.timeoutMs;
    this.#probeIntervalMs = options.probeIntervalMs ?? FALLBACK_DEFAULTS.probeIntervalMs;
    this.#syncIntervalMs = options.syncIntervalMs ?? FALLBACK_DEFAULTS.syncIntervalMs;
    this.#logger = options.logger;
    this.#onDegradedChange = options.onDegradedChange;
  }

  /** True while serving from local limits because Redis failed. */
  get degraded(): boolean {
    return this.#degraded;
  }

  /** Finishes and usage entries waiting to be replayed into Redis. */
  get owed(): number {
    return this.#owed.size;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    if (this.#degraded) {
      this.#probeSoon();
      return this.#admitLocally(request);
    }
    try {
      const result = await this.#call(this.#primary.admit(request), 'admit');
      if (request.spend !== null) this.#mirror.touch(request.accountId, request.keyId, request.spend.keyBudget?.period);
      this.#syncSoon();
      return result;
    } catch (error) {
      this.#owed.addFinish({ reservation: this.#orphanOf(request), actual: null });
      this.#fail(error, 'admit');
      return this.#admitLocally(request);
    }
  }

  async finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    if (this.#localReservations.has(reservation)) return this.#finishLocally(reservation, actual);
    if (this.#degraded) {
      this.#owed.addFinish({ reservation, actual });
      this.#probeSoon();
      return false;
    }
    try {
      return await this.#call(this.#primary.finish(reservation, actual), 'finish');
    } catch (error) {
      this.#owed.addFinish({ reservation, actual });
      this.#fail(error, 'finish');
      return false;
    }
  }

  /**
   * A Redis lease cannot be renewed while degraded, nor can it be told whether it still lives: true, so it is tried
   * again later (it may expire at its TTL meanwhile, if Redis stays away that long).
   */
  async renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    if (this.#localReservations.has(reservation)) return this.#local.renew(reservation, ttlMs);
    if (this.#degraded) {
      this.#probeSoon();
      return true;
    }
    try {
      return await this.#call(this.#primary.renew(reservation, ttlMs), 'renew');
    } catch (error) {
      this.#fail(error, 'renew');
      return true;
    }
  }

  /** While degraded, the local windows against this instance's share of the limits. */
  async peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>, key?: KeyWindowLimits): Promise<WindowSnapshot> {
    if (!this.#degraded) {
      try {
        return await this.#call(this.#primary.peek(accountId, limits, key), 'peek');
      } catch (error) {
        this.#fail(error, 'peek');
      }
    }
    this.#probeSoon();
    const share = (limit: number): number => shareOf(limit, this.#instances);
    const keyShare =
      key === undefined
        ? undefined
        : { keyId: key.keyId, rpm: key.rpm === null ? null : share(key.rpm), tpm: key.tpm === null ? null : share(key.tpm) };
    return this.#local.peek(accountId, { rpm: share(limits.rpm), tpm: share(limits.tpm) }, keyShare);
  }

  async seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    const month = this.#months.at(this.#now());
    this.#mirror.record(scope, { month, spentNanoUsd, reservedNanoUsd: 0, tokens, reservedTokens: 0 });
    await this.#local.seedMonthly(scope, spentNanoUsd, tokens);
    if (this.#degraded) return;
    try {
      await this.#call(this.#primary.seedMonthly(scope, spentNanoUsd, tokens), 'seedMonthly');
    } catch (error) {
      this.#fail(error, 'seedMonthly');
    }
  }

  async raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    await this.#local.raiseMonthly(scope, spentNanoUsd, tokens);
    if (this.#degraded) {
      this.#probeSoon();
      return false;
    }
    try {
      return await this.#call(this.#primary.raiseMonthly(scope, spentNanoUsd, tokens), 'raiseMonthly');
    } catch (error) {
      this.#fail(error, 'raiseMonthly');
      return false;
    }
  }

  /** While degraded, the local counter (last synced base plus local usage). */
  async readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    if (!this.#degraded) {
      try {
        return await this.#call(this.#primary.readMonthly(scope), 'readMonthly');
      } catch (error) {
        this.#fail(error, 'readMonthly');
      }
    }
    return this.#local.readMonthly(scope);
  }

  /**
   * Tries Redis now if degraded: on an answer, replays the owed finishes and leaves degraded mode (owed usage
   * follows in the background). Resolves true when healthy. Calls already probe on their own, at most once per
   * probe interval; this is for readiness checks and tests.
   */
  probe(): Promise<boolean> {
    if (!this.#degraded) return Promise.resolve(true);
    this.#recovering ??= this.#recover().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  /**
   * Waits for background work (monthly sync, replays) and, if Redis answers, replays everything still owed. Call it
   * on shutdown after the last request has finished, so what this instance owes Redis is not lost with it.
   */
  async flush(): Promise<void> {
    await this.#syncing;
    if (this.#degraded && !(await this.probe())) return;
    await this.#replay(async () => {
      await this.#replayFinishes();
      await this.#replayUsage();
    }).catch((error: unknown) => this.#fail(error, 'replay'));
  }

  async #admitLocally(request: AdmitRequest): Promise<AdmitResult> {
    const now = this.#now();
    const month = this.#months.at(now);
    const period = request.spend?.keyBudget?.period;
    const bases = {
      account: this.#mirror.base({ accountId: request.accountId }, month),
      key: this.#mirror.base({ keyId: request.keyId }, month),
      budget: isShortPeriod(period)
        ? this.#mirror.base({ keyId: request.keyId, period }, periodLabel(period, now))
        : this.#mirror.base({ keyId: request.keyId }, month),
    };
    const result = await this.#local.admit(scaleRequest(request, this.#instances, bases));
    if (result.ok) this.#localReservations.add(result.reservation);
    return result;
  }

  async #finishLocally(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    const finished = await this.#local.finish(reservation, actual);
    if (finished && actual !== null && reservation.spend !== null) {
      this.#owed.addUsage(reservation, actual);
      if (!this.#degraded) this.#replayUsageSoon();
    }
    return finished;
  }

  /** What a timed-out admission would hold in Redis if it ran: refunding it frees the lease and reservations. */
  #orphanOf(request: AdmitRequest): Reservation {
    const { id, accountId, keyId, tokens, spend, slots } = request;
    const now = this.#now();
    const period = spend?.keyBudget?.period;
    const budgetLabel = isShortPeriod(period) ? periodLabel(period, now) : null;
    return { id, accountId, keyId, month: this.#months.at(now), budgetLabel, tokens, spend, slots };
  }

  #call<T>(promise: Promise<T>, operation: string): Promise<T> {
    return withTimeout(promise, this.#timeoutMs, operation);
  }

  #fail(error: unknown, operation: string): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#lastProbe = this.#now();
    this.#logger?.warn(
      { err: error, operation, instances: this.#instances },
      `limiter: Redis unavailable (${operation}); serving local limits at a 1/${this.#instances} share`,
    );
    this.#onDegradedChange?.(true);
  }

  #probeSoon(): void {
    if (this.#recovering !== undefined || this.#now() - this.#lastProbe < this.#probeIntervalMs) return;
    this.probe().catch(() => undefined);
  }

  /**
   * Back to Redis once it answers and the owed finishes are replayed (so the leases and refunds they release count
   * before new admissions do). Usage settled locally is replayed right after, in the background: for that moment
   * spend caps in Redis may not yet count it.
   */
  async #recover(): Promise<boolean> {
    this.#lastProbe = this.#now();
    try {
      await this.#call(this.#primary.ping(), 'ping');
      await this.#replay(() => this.#replayFinishes());
    } catch {
      return false;
    }
    this.#degraded = false;
    const dropped = this.#owed.takeDropped();
    this.#logger?.info({ droppedFinishes: dropped }, 'limiter: Redis answers again; shared limits restored');
    this.#onDegradedChange?.(false);
    this.#replayUsageSoon();
    return true;
  }

  #replayUsageSoon(): void {
    this.#replay(() => this.#replayUsage()).catch((error: unknown) => this.#fail(error, 'replay'));
  }

  #replayFinishes(): Promise<void> {
    return this.#owed.replayFinishes((entry) => this.#call(this.#primary.finish(entry.reservation, entry.actual), 'finish'));
  }

  #replayUsage(): Promise<void> {
    return this.#owed.replayUsage((entry) =>
      this.#call(this.#primary.addMonthly(entry.scope, entry.month, entry.nanoUsd, entry.tokens), 'addMonthly'),
    );
  }

  /** Runs `replay` once no other replay is in flight: two at once would both take the same queue head. */
  async #replay(replay: () => Promise<void>): Promise<void> {
    while (this.#replaying !== undefined) await this.#replaying.catch(() => undefined);
    const running = replay().finally(() => {
      this.#replaying = undefined;
    });
    this.#replaying = running;
    return running;
  }

  #syncSoon(): void {
    const now = this.#now();
    if (this.#syncing !== undefined || !this.#mirror.pending || now - this.#lastSync < this.#syncIntervalMs) return;
    this.#lastSync = now;
    this.#syncing = this.#mirror
      .sync((scope) => this.#call(this.#primary.readMonthly(scope), 'readMonthly'), this.#local)
      .catch((error: unknown) => this.#fail(error, 'sync'))
      .finally(() => {
        this.#syncing = undefined;
      });
  }
}
