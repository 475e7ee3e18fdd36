/**
 * @module The in-process limiter backend. JavaScript runs each method to completion without yielding, so every
 * method is atomic; it suits one gateway process (limits are per process, not shared).
 *
 * Memory stays bounded: window logs hold at most one entry per request of the last minute; each admission sweeps a
 * few accounts (and keys with windows of their own), dropping those with nothing counted or held; after a month
 * rollover the counters of past months are swept away the same way (after a day or a week, those of key budgets).
 *
 * Leases expire only lazily (when the account's slots are all taken, or when the sweep visits): in one process a
 * holder cannot crash without the backend, so the TTL here only guards against a ticket that is never ended.
 */
import { MonthCache } from '../month.js';
import { isShortPeriod, periodLabel, type ShortBudgetPeriod } from '../period.js';
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
import { tighterWindow } from '../window.js';
import { AccountWindows, emptySnapshot } from './account-windows.js';
import { IncrementalSweep } from './incremental-sweep.js';
import { MonthlyCounters } from './monthly-counters.js';

/** Where a reservation's tokens sit in a window's log, so settling can adjust them. */
interface LogEntry {
  readonly seq: number;
  readonly epoch: number;
}

/** A reservation as this backend hands it out: with the positions of its tpm entries in the account's and key's logs. */
interface MemoryReservation extends Reservation {
  readonly tpmEntry: LogEntry;
  readonly keyTpmEntry: LogEntry | null;
}

function isMemoryReservation(reservation: Reservation): reservation is MemoryReservation {
  return 'tpmEntry' in reservation && typeof reservation.tpmEntry === 'object' && reservation.tpmEntry !== null;
}

/** Whether the request carries rpm or tpm limits of its key's own. */
function hasKeyLimits(request: Pick<AdmitRequest, 'keyRpm' | 'keyTpm'>): boolean {
  return (request.keyRpm ?? null) !== null || (request.keyTpm ?? null) !== null;
}

/** The daily or weekly period of the request's key budget, if it has one (a monthly one uses the key's counter). */
function shortBudgetPeriod(request: AdmitRequest): ShortBudgetPeriod | undefined {
  const period = request.spend?.keyBudget?.period;
  return isShortPeriod(period) ? period : undefined;
}

/** Accounts and counters examined for idleness per call. */
const SWEEP_BUDGET = 2;

/** A {@link LimiterBackend} in this process's memory, on the injected clock `now` (ms). */
export class MemoryLimiterBackend implements LimiterBackend {
  readonly #now: () => number;
  readonly #months = new MonthCache();
  readonly #windows = new Map<string, AccountWindows>();
  readonly #windowSweep = new IncrementalSweep(this.#windows);
  readonly #keyWindows = new Map<string, AccountWindows>();
  readonly #keyWindowSweep = new IncrementalSweep(this.#keyWindows);
  readonly #accountCounters = new MonthlyCounters();
  readonly #keyCounters = new MonthlyCounters();
  /** Key budgets of a day or a week, by key id (labels from `period.ts`). */
  readonly #budgetCounters: Readonly<Record<ShortBudgetPeriod, MonthlyCounters>> = { daily: new MonthlyCounters(), weekly: new MonthlyCounters() };

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Accounts (and keys with windows of their own) whose window state is held (for tests of the idle sweep). */
  get accountsHeld(): number {
    return this.#windows.size + this.#keyWindows.size;
  }

  /** Spend counters held (for tests of the idle sweep). */
  get countersHeld(): number {
    const { daily, weekly } = this.#budgetCounters;
    return this.#accountCounters.size + this.#keyCounters.size + daily.size + weekly.size;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const now = this.#now();
    const month = this.#months.at(now);
    this.#sweep(now, month);
    const windows = windowsIn(this.#windows, request.accountId);
    windows.prune(now);
    const keyWindows = hasKeyLimits(request) ? windowsIn(this.#keyWindows, request.keyId) : undefined;
    keyWindows?.prune(now);
    const budgetPeriod = shortBudgetPeriod(request);
    const budgetLabel = budgetPeriod === undefined ? null : periodLabel(budgetPeriod, now);
    const rejection = this.#rateRejection(windows, keyWindows, request, now) ?? this.#spendRejection(request, month, budgetLabel);
    if (rejection !== undefined) {
      return { ok: false, rejection, window: this.#window(windows, keyWindows, request, now) };
    }
    windows.requests.add(now, 1);
    const tpmEntry = { seq: windows.tokens.add(now, request.tokens), epoch: windows.tokens.epoch };
    let keyTpmEntry: LogEntry | null = null;
    if (keyWindows !== undefined) {
      keyWindows.requests.add(now, 1);
      keyTpmEntry = { seq: keyWindows.tokens.add(now, request.tokens), epoch: keyWindows.tokens.epoch };
    }
    windows.addLease(request.id, request.slots, now + request.leaseTtlMs);
    if (request.spend !== null) {
      this.#accountCounters.reserve(request.accountId, month, request.spend.costNanoUsd, request.tokens);
      this.#keyCounters.reserve(request.keyId, month, request.spend.costNanoUsd, request.tokens);
      if (budgetPeriod !== undefined && budgetLabel !== null) {
        this.#budgetCounters[budgetPeriod].reserve(request.keyId, budgetLabel, request.spend.costNanoUsd, request.tokens);
      }
    }
    const { id, accountId, keyId, tokens, spend, slots } = request;
    const reservation: MemoryReservation = { id, accountId, keyId, month, budgetLabel, tokens, spend, slots, tpmEntry, keyTpmEntry };
    return { ok: true, reservation, window: this.#window(windows, keyWindows, request, now) };
  }

  async finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    const now = this.#now();
    const windows = this.#windows.get(reservation.accountId);
    if (windows === undefined || !windows.takeLease(reservation.id, now)) return false;
    if (isMemoryReservation(reservation)) {
      const { tpmEntry, keyTpmEntry } = reservation;
      windows.tokens.adjust(tpmEntry.seq, tpmEntry.epoch, actual?.tokens ?? 0);
      if (keyTpmEntry !== null) this.#keyWindows.get(reservation.keyId)?.tokens.adjust(keyTpmEntry.seq, keyTpmEntry.epoch, actual?.tokens ?? 0);
    }
    this.#accountCounters.settle(reservation.accountId, reservation.month, reservation, actual);
    this.#keyCounters.settle(reservation.keyId, reservation.month, reservation, actual);
    const period = reservation.spend?.keyBudget?.period;
    const label = reservation.budgetLabel ?? null;
    if (isShortPeriod(period) && label !== null) {
      this.#budgetCounters[period].settle(reservation.keyId, label, reservation, actual);
    }
    return true;
  }

  async renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    return this.#windows.get(reservation.accountId)?.renewLease(reservation.id, now, now + ttlMs) ?? false;
  }

  async peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>, key?: KeyWindowLimits): Promise<WindowSnapshot> {
    const now = this.#now();
    const windows = this.#windows.get(accountId);
    let account = emptySnapshot(limits.rpm, limits.tpm);
    if (windows !== undefined) {
      windows.prune(now);
      account = windows.snapshot(now, limits.rpm, limits.tpm);
    }
    if (key === undefined) return account;
    const keyWindows = this.#keyWindows.get(key.keyId);
    keyWindows?.prune(now);
    const counts = keyWindows?.counts(now) ?? { requests: 0, resetMs: 0, tokens: 0 };
    return tighterWindow(account, counts, key.rpm, key.tpm);
  }

  async seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    const counter = this.#counterOf(scope);
    counter.spentNanoUsd = spentNanoUsd;
    counter.tokens = tokens;
  }

  async raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    const counter = this.#counterOf(scope);
    counter.spentNanoUsd = Math.max(counter.spentNanoUsd, spentNanoUsd);
    counter.tokens = Math.max(counter.tokens, tokens);
    return true;
  }

  async readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    const now = this.#now();
    if ('accountId' in scope) return this.#accountCounters.read(scope.accountId, this.#months.at(now));
    if (scope.period === undefined) return this.#keyCounters.read(scope.keyId, this.#months.at(now));
    return this.#budgetCounters[scope.period].read(scope.keyId, periodLabel(scope.period, now));
  }

  /** The scope's counter in its current period, created as needed. */
  #counterOf(scope: MonthlyScope) {
    const now = this.#now();
    if ('accountId' in scope) return this.#accountCounters.current(scope.accountId, this.#months.at(now));
    if (scope.period === undefined) return this.#keyCounters.current(scope.keyId, this.#months.at(now));
    return this.#budgetCounters[scope.period].current(scope.keyId, periodLabel(scope.period, now));
  }

  /** The headers' window: the account's, with the key's own where tighter. Call after pruning both. */
  #window(windows: AccountWindows, keyWindows: AccountWindows | undefined, request: AdmitRequest, now: number): WindowSnapshot {
    const account = windows.snapshot(now, request.rpm, request.tpm);
    if (keyWindows === undefined) return account;
    return tighterWindow(account, keyWindows.counts(now), request.keyRpm ?? null, request.keyTpm ?? null);
  }

  /**
   * rpm, key rpm, concurrency, tpm, key tpm. An rpm or tpm rejection waits until every window admits the request:
   * the later of the waits that are not zero.
   */
  #rateRejection(windows: AccountWindows, keyWindows: AccountWindows | undefined, request: AdmitRequest, now: number): Rejection | undefined {
    const rpmWait = windows.requests.waitMs(1, request.rpm, now);
    const tpmWait = windows.tokens.waitMs(request.tokens, request.tpm, now);
    const keyRpm = request.keyRpm ?? null;
    const keyTpm = request.keyTpm ?? null;
    const keyRpmWait = keyWindows === undefined || keyRpm === null ? 0 : keyWindows.requests.waitMs(1, keyRpm, now);
    const keyTpmWait = keyWindows === undefined || keyTpm === null ? 0 : keyWindows.tokens.waitMs(request.tokens, keyTpm, now);
    const allWait = laterOf(laterOf(rpmWait, keyRpmWait), laterOf(tpmWait, keyTpmWait));
    if (rpmWait !== 0) return { stage: 'rpm', retryAfterMs: allWait };
    if (keyRpmWait !== 0) return { stage: 'key_rpm', retryAfterMs: allWait };
    if (windows.liveSlots(now, request.slots, request.concurrent) + request.slots > request.concurrent) return { stage: 'concurrency' };
    if (tpmWait !== 0) return { stage: 'tpm', retryAfterMs: laterOf(tpmWait, keyTpmWait) };
    if (keyTpmWait !== 0) return { stage: 'key_tpm', retryAfterMs: keyTpmWait };
    return undefined;
  }

  /**
   * Key cap, key budget, account cap, then included tokens; a reservation fits when spent + reserved + it ≤ cap. A
   * monthly budget counts on the key's monthly counter; a daily or weekly one on its own, labelled `budgetLabel`.
   */
  #spendRejection(request: AdmitRequest, month: string, budgetLabel: string | null): Rejection | undefined {
    const spend = request.spend;
    if (spend === null) return undefined;
    const { accountId, keyId, tokens } = request;
    const keySpent = this.#keyCounters.committedNanoUsd(keyId, month);
    if (!fits(keySpent, spend.costNanoUsd, spend.keyCapNanoUsd)) return { stage: 'key_spend' };
    const budget = spend.keyBudget ?? null;
    if (budget !== null) {
      const spent =
        budget.period === 'monthly' || budgetLabel === null ? keySpent : this.#budgetCounters[budget.period].committedNanoUsd(keyId, budgetLabel);
      if (!fits(spent, spend.costNanoUsd, budget.capNanoUsd)) return { stage: 'key_budget' };
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
    this.#keyWindowSweep.step(SWEEP_BUDGET, (windows) => windows.isIdle(now));
    this.#accountCounters.sweep(month, SWEEP_BUDGET);
    this.#keyCounters.sweep(month, SWEEP_BUDGET);
    this.#budgetCounters.daily.sweep(periodLabel('daily', now), SWEEP_BUDGET);
    this.#budgetCounters.weekly.sweep(periodLabel('weekly', now), SWEEP_BUDGET);
  }
}

function fits(used: number, amount: number, cap: number | null): boolean {
  return cap === null || used + amount <= cap;
}

/** The later of two waits, where 0 means "no wait"; null (never) wins. */
function laterOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

/** The windows of one account or key in `all`, created on first use. */
function windowsIn(all: Map<string, AccountWindows>, id: string): AccountWindows {
  let windows = all.get(id);
  if (windows === undefined) {
    windows = new AccountWindows();
    all.set(id, windows);
  }
  return windows;
}
