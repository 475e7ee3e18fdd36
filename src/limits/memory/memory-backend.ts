/**
 * @module The in-process limiter backend. JavaScript runs each method to completion without yielding, so every
 * method is atomic; it suits one gateway process (limits are per process, not shared).
 *
 * Memory stays bounded: window logs hold at most one entry per request of the last minute; each admission sweeps a
 * few accounts, dropping those with nothing counted or held; after a month rollover the counters of past months are
 * swept away the same way.
 *
 * Leases expire only lazily (when the account's slots are all taken, or when the sweep visits): in one process a
 * holder cannot crash without the backend, so the TTL here only guards against a ticket that is never ended.
 */
import { MonthCache } from '../month.js';
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
import { AccountWindows, emptySnapshot } from './account-windows.js';
import { IncrementalSweep } from './incremental-sweep.js';
import { MonthlyCounters } from './monthly-counters.js';

/** A reservation as this backend hands it out: with the position of its tpm entry in the account's log. */
interface MemoryReservation extends Reservation {
  readonly tpmSeq: number;
  readonly tpmEpoch: number;
}

function isMemoryReservation(reservation: Reservation): reservation is MemoryReservation {
  return 'tpmSeq' in reservation && typeof reservation.tpmSeq === 'number' && 'tpmEpoch' in reservation && typeof reservation.tpmEpoch === 'number';
}

/** Accounts and counters examined for idleness per call. */
const SWEEP_BUDGET = 2;

/** A {@link LimiterBackend} in this process's memory, on the injected clock `now` (ms). */
export class MemoryLimiterBackend implements LimiterBackend {
  readonly #now: () => number;
  readonly #months = new MonthCache();
  readonly #windows = new Map<string, AccountWindows>();
  readonly #windowSweep = new IncrementalSweep(this.#windows);
  readonly #accountCounters = new MonthlyCounters();
  readonly #keyCounters = new MonthlyCounters();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Accounts whose window state is held (for tests of the idle sweep). */
  get accountsHeld(): number {
    return this.#windows.size;
  }

  /** Monthly counters held (for tests of the idle sweep). */
  get countersHeld(): number {
    return this.#accountCounters.size + this.#keyCounters.size;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const now = this.#now();
    const month = this.#months.at(now);
    this.#sweep(now, month);
    const windows = this.#windowsOf(request.accountId);
    windows.prune(now);
    const rejection = this.#rateRejection(windows, request, now) ?? this.#spendRejection(request, month);
    if (rejection !== undefined) {
      return { ok: false, rejection, window: windows.snapshot(now, request.rpm, request.tpm) };
    }
    windows.requests.add(now, 1);
    const tpmSeq = windows.tokens.add(now, request.tokens);
    windows.addLease(request.id, request.slots, now + request.leaseTtlMs);
    if (request.spend !== null) {
      this.#accountCounters.reserve(request.accountId, month, request.spend.costNanoUsd, request.tokens);
      this.#keyCounters.reserve(request.keyId, month, request.spend.costNanoUsd, request.tokens);
    }
    const { id, accountId, keyId, tokens, spend, slots } = request;
    const reservation: MemoryReservation = { id, accountId, keyId, month, tokens, spend, slots, tpmSeq, tpmEpoch: windows.tokens.epoch };
    return { ok: true, reservation, window: windows.snapshot(now, request.rpm, request.tpm) };
  }

  async finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    const now = this.#now();
    const windows = this.#windows.get(reservation.accountId);
    if (windows === undefined || !windows.takeLease(reservation.id, now)) return false;
    if (isMemoryReservation(reservation)) {
      windows.tokens.adjust(reservation.tpmSeq, reservation.tpmEpoch, actual?.tokens ?? 0);
    }
    this.#accountCounters.settle(reservation.accountId, reservation, actual);
    this.#keyCounters.settle(reservation.keyId, reservation, actual);
    return true;
  }

  async renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    return this.#windows.get(reservation.accountId)?.renewLease(reservation.id, now, now + ttlMs) ?? false;
  }

  async peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>): Promise<WindowSnapshot> {
    const now = this.#now();
    const windows = this.#windows.get(accountId);
    if (windows === undefined) return emptySnapshot(limits.rpm, limits.tpm);
    windows.prune(now);
    return windows.snapshot(now, limits.rpm, limits.tpm);
  }

  async seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    const month = this.#months.at(this.#now());
    const counter = 'accountId' in scope ? this.#accountCounters.current(scope.accountId, month) : this.#keyCounters.current(scope.keyId, month);
    counter.spentNanoUsd = spentNanoUsd;
    counter.tokens = tokens;
  }

  async raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const month = this.#months.at(this.#now());
    const counter = 'accountId' in scope ? this.#accountCounters.current(scope.accountId, month) : this.#keyCounters.current(scope.keyId, month);
    counter.spentNanoUsd = Math.max(counter.spentNanoUsd, spentNanoUsd);
    counter.tokens = Math.max(counter.tokens, tokens);
    return true;
  }

  async readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    const month = this.#months.at(this.#now());
    return 'accountId' in scope ? this.#accountCounters.read(scope.accountId, month) : this.#keyCounters.read(scope.keyId, month);
  }

  #windowsOf(accountId: string): AccountWindows {
    let windows = this.#windows.get(accountId);
    if (windows === undefined) {
      windows = new AccountWindows();
      this.#windows.set(accountId, windows);
    }
    return windows;
  }

  /** rpm, then concurrency, then tpm; an rpm or tpm wait covers both windows. */
  #rateRejection(windows: AccountWindows, request: AdmitRequest, now: number): Rejection | undefined {
    const rpmWait = windows.requests.waitMs(1, request.rpm, now);
    const tpmWait = windows.tokens.waitMs(request.tokens, request.tpm, now);
    if (rpmWait !== 0) return { stage: 'rpm', retryAfterMs: laterOf(rpmWait, tpmWait) };
    if (windows.liveSlots(now, request.slots, request.concurrent) + request.slots > request.concurrent) return { stage: 'concurrency' };
    if (tpmWait !== 0) return { stage: 'tpm', retryAfterMs: tpmWait };
    return undefined;
  }

  /** Key cap, then account cap, then included tokens; a reservation fits when spent + reserved + it ≤ cap. */
  #spendRejection(request: AdmitRequest, month: string): Rejection | undefined {
    const spend = request.spend;
    if (spend === null) return undefined;
    const { accountId, keyId, tokens } = request;
    if (!fits(this.#keyCounters.committedNanoUsd(keyId, month), spend.costNanoUsd, spend.keyCapNanoUsd)) {
      return { stage: 'key_spend' };
    }
    if (!fits(this.#accountCounters.committedNanoUsd(accountId, month), spend.costNanoUsd, spend.accountCapNanoUsd)) {
      return { stage: 'account_spend' };
    }
    if (!fits(this.#accountCounters.committedTokens(accountId, month), tokens, spend.includedTokens)) {
      return { stage: 'included_tokens' };
    }
    return undefined;
  }

  #sweep(now: number, month: string): void {
    this.#windowSweep.step(SWEEP_BUDGET, (windows) => windows.isIdle(now));
    this.#accountCounters.sweep(month, SWEEP_BUDGET);
    this.#keyCounters.sweep(month, SWEEP_BUDGET);
  }
}

function fits(used: number, amount: number, cap: number | null): boolean {
  return cap === null || used + amount <= cap;
}

/** The later of two waits; null (never) wins. */
function laterOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}
