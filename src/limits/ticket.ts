/**
 * @module An admitted request's hold on its account's limits: a concurrency lease plus tpm, spend and
 * included-token reservations, ended exactly once by `settle` (actual usage) or `fail` (refund).
 */
import { GatewayError } from '../core/gateway-error.js';
import { rateLimitHeaders, type RateLimitHeaders } from './headers.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { usdToNanos } from './money.js';
import type { LimiterBackend, Reservation, WindowSnapshot } from './types.js';

/** What a finished request actually used, as metering reports it. */
export interface SettleUsage {
  /** Prompt + completion tokens. */
  readonly totalTokens: number;
  readonly costUsd: number;
}

/** An admitted request. End it with `settle` or `fail` on every path (success, error, timeout, disconnect). */
export interface Ticket {
  /** The lease id (unique per request). */
  readonly id: string;
  /** True once `settle` or `fail` has been called. */
  readonly finished: boolean;
  /** The rate-limit headers as of admission (this request counted). */
  headers(): RateLimitHeaders;
  /**
   * Releases the lease and settles tpm, spend and included tokens to actual usage (BYOK: tpm only). Use it also
   * for a failure after the upstream reported usage (partial streams), so what was used is counted.
   */
  settle(usage: SettleUsage): Promise<void>;
  /** Releases the lease and refunds every reservation: for requests that used nothing upstream. */
  fail(): Promise<void>;
}

/**
 * The {@link Ticket} over a backend reservation, its lease kept alive by `keeper` (if any) until it ends. The first
 * of `settle`/`fail` wins; later calls (either one) return the first call's promise and change nothing, so `fail()`
 * in a `finally` or on client disconnect is safe.
 */
export class AdmissionTicket implements Ticket {
  readonly #backend: LimiterBackend;
  readonly #reservation: Reservation;
  readonly #window: WindowSnapshot;
  #headers: RateLimitHeaders | undefined;
  readonly #keeper: LeaseKeeper | undefined;
  #done: Promise<void> | undefined;

  constructor(backend: LimiterBackend, reservation: Reservation, window: WindowSnapshot, keeper: LeaseKeeper | undefined) {
    this.#backend = backend;
    this.#reservation = reservation;
    this.#window = window;
    this.#keeper = keeper;
  }

  get id(): string {
    return this.#reservation.id;
  }

  get finished(): boolean {
    return this.#done !== undefined;
  }

  headers(): RateLimitHeaders {
    this.#headers ??= rateLimitHeaders(this.#window);
    return this.#headers;
  }

  settle(usage: SettleUsage): Promise<void> {
    this.#done ??= this.#finish(usage);
    return this.#done;
  }

  fail(): Promise<void> {
    this.#done ??= this.#finish(null);
    return this.#done;
  }

  async #finish(usage: SettleUsage | null): Promise<void> {
    this.#keeper?.release(this.#reservation);
    if (usage === null) {
      await this.#backend.finish(this.#reservation, null);
      return;
    }
    if (isAmount(usage.totalTokens) && isAmount(usage.costUsd)) {
      const actual = { tokens: usage.totalTokens, costNanoUsd: usdToNanos(usage.costUsd) };
      await this.#backend.finish(this.#reservation, actual);
      return;
    }
    // A metering bug must neither leak the lease nor undercount: charge the worst case that was reserved.
    const reserved = { tokens: this.#reservation.tokens, costNanoUsd: this.#reservation.spend?.costNanoUsd ?? 0 };
    await this.#backend.finish(this.#reservation, reserved);
    throw new GatewayError(500, 'internal_error', `Invalid usage to settle: ${JSON.stringify(usage)}`);
  }
}

/** A finite, non-negative number. */
export function isAmount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
