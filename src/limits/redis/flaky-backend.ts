/**
 * @module Test double: a shared limiter backend (in memory) that can be switched to fail, or to hang while still
 * applying calls (like a Redis that executes a command whose reply never arrives in time). Not used by production
 * code.
 */
import { MemoryLimiterBackend } from '../memory/memory-backend.js';
import type {
  ActualUsage,
  AdmitRequest,
  AdmitResult,
  EffectiveLimits,
  KeyWindowLimits,
  MonthlyScope,
  MonthlyTotals,
  Reservation,
  WindowSnapshot,
} from '../types.js';
import type { SharedLimiterBackend } from './fallback-backend.js';

/** `up`: answers; `down`: rejects at once; `slow`: applies the call but answers only after `release()`. */
export type FlakyMode = 'up' | 'down' | 'slow';

/** A {@link SharedLimiterBackend} whose availability the test sets. */
export class FlakyBackend implements SharedLimiterBackend {
  readonly inner: MemoryLimiterBackend;
  mode: FlakyMode = 'up';
  calls = 0;
  readonly #held: (() => void)[] = [];

  constructor(now: () => number) {
    this.inner = new MemoryLimiterBackend(now);
  }

  /** Lets every held answer through. */
  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  admit(request: AdmitRequest): Promise<AdmitResult> {
    return this.#serve(() => this.inner.admit(request));
  }

  finish(reservation: Reservation, actual: ActualUsage | null): Promise<boolean> {
    return this.#serve(() => this.inner.finish(reservation, actual));
  }

  renew(reservation: Reservation, ttlMs: number): Promise<boolean> {
    return this.#serve(() => this.inner.renew(reservation, ttlMs));
  }

  peek(accountId: string, limits: Pick<EffectiveLimits, 'rpm' | 'tpm'>, key?: KeyWindowLimits): Promise<WindowSnapshot> {
    return this.#serve(() => this.inner.peek(accountId, limits, key));
  }

  seedMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<void> {
    return this.#serve(() => this.inner.seedMonthly(scope, spentNanoUsd, tokens));
  }

  raiseMonthly(scope: MonthlyScope, spentNanoUsd: number, tokens: number): Promise<boolean> {
    return this.#serve(() => this.inner.raiseMonthly(scope, spentNanoUsd, tokens));
  }

  readMonthly(scope: MonthlyScope): Promise<MonthlyTotals> {
    return this.#serve(() => this.inner.readMonthly(scope));
  }

  ping(): Promise<void> {
    return this.#serve(async () => undefined);
  }

  addMonthly(scope: MonthlyScope, month: string, spentNanoUsd: number, tokens: number): Promise<boolean> {
    return this.#serve(async () => {
      const totals = await this.inner.readMonthly(scope);
      if (totals.month !== month) return false;
      await this.inner.seedMonthly(scope, totals.spentNanoUsd + spentNanoUsd, totals.tokens + tokens);
      return true;
    });
  }

  async #serve<T>(call: () => Promise<T>): Promise<T> {
    this.calls += 1;
    if (this.mode === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const result = await call();
    if (this.mode === 'slow') await new Promise<void>((resolve) => this.#held.push(resolve));
    return result;
  }
}
