/**
 * @module Admission: the "admit" step of the request pipeline. Before any upstream call it reserves, atomically and
 * in this order, an rpm slot, a concurrency lease, the request's worst-case tokens in the tpm window, and its
 * worst-case cost against the key's and the account's monthly spend caps and tokens against the account's monthly
 * included tokens. A rejected request reserves nothing.
 *
 * The monthly counters start from the ledger's totals of the month, loaded per account and key on first use (see
 * `monthly-seeder.ts`), so a request that spends may wait once for that read.
 */
import type { PlanConfig } from '../config/types.js';
import { GatewayError } from '../core/gateway-error.js';
import { uniqueIdGenerator } from '../core/unique-id.js';
import { admissionError } from './admission-error.js';
import { effectiveLimits, type AdmissionKey } from './effective-limits.js';
import { rateLimitHeaders, type RateLimitHeaders } from './headers.js';
import { nanosToUsd, usdToNanos } from './money.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { MonthlySeeder } from './monthly-seeder.js';
import { AdmissionTicket, isAmount, type Ticket } from './ticket.js';
import type { AdmitRequest, EffectiveLimits, LimiterBackend, SpendRequest } from './types.js';

/**
 * How long a lease holds its slot if its holder never finishes it (a crashed instance, a leaked ticket). Running
 * requests keep theirs alive (see {@link LeaseKeeper}), so this is not a limit on how long a request may run.
 */
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;

/** Output tokens reserved when a request sets no `max_tokens` (and the model allows that many). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/**
 * The output tokens to reserve: the request's `max_tokens`, else {@link DEFAULT_MAX_OUTPUT_TOKENS}, never more
 * than the model's maximum output. Compute the worst-case cost from the same number.
 */
export function reservedOutputTokens(requested: number | null | undefined, modelMaxOutput: number): number {
  return Math.min(requested ?? DEFAULT_MAX_OUTPUT_TOKENS, modelMaxOutput);
}

/** What to admit. */
export interface AdmitInput {
  readonly key: AdmissionKey;
  /** Prompt tokens as the tokenizer counts them. */
  readonly promptTokens: number;
  /** Output tokens to reserve; see {@link reservedOutputTokens}. */
  readonly maxOutputTokens: number;
  /** promptTokens × input price + maxOutputTokens × output price, USD. */
  readonly worstCaseCostUsd: number;
  /** Routed through the account's own provider key: no spend caps or included tokens; rpm/tpm/concurrency apply. */
  readonly byok: boolean;
  /** Concurrency slots to hold: the request's parallel upstream calls (`n` when fanned out); default 1. */
  readonly slots?: number;
  /** What makes the parallel calls, for the 400 when there are more than the account may hold; default `n`'s. */
  readonly fanOut?: FanOutReason;
}

/** Why one request makes several upstream calls at once, as the 400 refusing too many of them says. */
export interface FanOutReason {
  /** The request field to change. */
  readonly param: string;
  /** Where the calls come from, e.g. "one per choice: the model has no native `n`". */
  readonly cause: string;
  /** What the client can do, e.g. "lower `n`". */
  readonly remedy: string;
}

/** Chat's fan-out: `n` choices from a model that answers one per call. */
const CHOICES_FAN_OUT: FanOutReason = { param: 'n', cause: 'one per choice: the model has no native `n`', remedy: 'lower `n`' };

/** What {@link Admission} needs. */
export interface AdmissionDeps {
  readonly backend: LimiterBackend;
  /** Plans by name, from the config. */
  readonly plans: Readonly<Record<string, PlanConfig>>;
  /** Lease TTL; defaults to {@link DEFAULT_LEASE_TTL_MS}. */
  readonly leaseTtlMs?: number;
  /**
   * Renew the leases of running requests every third of their TTL (default true). Tests that drive the backend's
   * clock by hand turn it off: renewals run on real timers.
   */
  readonly keepLeasesAlive?: boolean;
  /** Lease ids; defaults to {@link uniqueIdGenerator}'s (unique across instances, as a shared backend needs). */
  readonly newId?: () => string;
  /** Loads an account's and key's charges of the month before their first spend; omitted: counters start at zero. */
  readonly seeder?: Pick<MonthlySeeder, 'ensure'>;
}

/**
 * Admits requests against their account's limits. No clock here: the backend owns time, so that every instance
 * sharing a Redis backend reads the same one.
 */
export class Admission {
  readonly #backend: LimiterBackend;
  readonly #plans: Readonly<Record<string, PlanConfig>>;
  readonly #leaseTtlMs: number;
  readonly #newId: () => string;
  readonly #keeper: LeaseKeeper | undefined;
  readonly #seeder: Pick<MonthlySeeder, 'ensure'> | undefined;

  constructor(deps: AdmissionDeps) {
    this.#backend = deps.backend;
    this.#plans = deps.plans;
    this.#leaseTtlMs = deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#newId = deps.newId ?? uniqueIdGenerator('lease_');
    this.#keeper = deps.keepLeasesAlive === false ? undefined : new LeaseKeeper(deps.backend);
    this.#seeder = deps.seeder;
  }

  /** Leases being kept alive (admitted, not yet settled or failed). */
  get liveLeases(): number {
    return this.#keeper?.size ?? 0;
  }

  /** Resolves when no lease renewal is in flight: call it on shutdown before flushing the backend. */
  async settled(): Promise<void> {
    await this.#keeper?.settled();
  }

  /**
   * Reserves what the request may use, or rejects with an `AdmissionError`: 429 `rate_limit_exceeded`
   * (rpm, concurrency, tpm; `retryAfterSeconds` set when a retry can succeed) or 402 `quota_exceeded` (spend caps,
   * included tokens). Either way the rate-limit headers come along (`ticket.headers()` or `error.headers`).
   */
  async admit(input: AdmitInput): Promise<Ticket> {
    assertAmounts(input);
    const limits = effectiveLimits(input.key, this.#plans);
    const slots = input.slots ?? 1;
    if (slots > limits.concurrent) {
      // More parallel upstream calls than the account may ever hold: no wait would help, so it is the request's fault.
      const { param, cause, remedy } = input.fanOut ?? CHOICES_FAN_OUT;
      const message = `This request needs ${slots} parallel upstream calls (${cause}), more than this account's ${limits.concurrent} concurrent requests; ${remedy}.`;
      throw new GatewayError(400, 'invalid_request', message, { param });
    }
    const tokens = input.promptTokens + input.maxOutputTokens;
    if (!input.byok) {
      const seeding = this.#seeder?.ensure(input.key.accountId, input.key.keyId, input.key.budget?.period);
      if (seeding !== undefined) await seeding;
    }
    const spend = input.byok ? null : spendRequest(input, limits);
    const result = await this.#backend.admit(this.#admitRequest(input.key, limits, { slots, tokens, spend }));
    if (!result.ok) {
      const headers = rateLimitHeaders(result.window);
      throw admissionError(result.rejection, { key: input.key, limits, tokens, headers });
    }
    this.#keeper?.hold(result.reservation, this.#leaseTtlMs);
    return new AdmissionTicket(this.#backend, result.reservation, result.window, this.#keeper);
  }

  /**
   * Counts a request refused for its input (400, 404, 413, 415) as one request against its account's rpm, so bad input
   * is not free: nothing else is reserved, and it holds no concurrency slot (so there is nothing to finish). Rejects
   * with the 429 `AdmissionError` when the rpm window is full (answer that instead of the 400). Resolves to the
   * headers with the request counted.
   */
  async countRefused(key: AdmissionKey): Promise<RateLimitHeaders> {
    const limits = effectiveLimits(key, this.#plans);
    const result = await this.#backend.admit(this.#admitRequest(key, limits, { slots: 0, tokens: 0, spend: null }));
    const headers = rateLimitHeaders(result.window);
    if (!result.ok) throw admissionError(result.rejection, { key, limits, tokens: 0, headers });
    return headers;
  }

  /** The backend's request for one request of `key` under `limits`, reserving `amounts` (a fresh id each call). */
  #admitRequest(key: AdmissionKey, limits: EffectiveLimits, amounts: Pick<AdmitRequest, 'slots' | 'tokens' | 'spend'>): AdmitRequest {
    return {
      id: this.#newId(),
      accountId: key.accountId,
      keyId: key.keyId,
      rpm: limits.rpm,
      tpm: limits.tpm,
      concurrent: limits.concurrent,
      keyRpm: key.keyRpm ?? null,
      keyTpm: key.keyTpm ?? null,
      ...amounts,
      leaseTtlMs: this.#leaseTtlMs,
    };
  }

  /**
   * The rate-limit headers for a response that did not go through admission (e.g. a 400 before it): the account's
   * windows, or the key's own where tighter.
   */
  async peekHeaders(key: AdmissionKey): Promise<RateLimitHeaders> {
    const limits = effectiveLimits(key, this.#plans);
    const keyRpm = key.keyRpm ?? null;
    const keyTpm = key.keyTpm ?? null;
    const own = keyRpm === null && keyTpm === null ? undefined : { keyId: key.keyId, rpm: keyRpm, tpm: keyTpm };
    return rateLimitHeaders(await this.#backend.peek(key.accountId, limits, own));
  }

  /** This month's settled spend (USD) and tokens of an account or a key, as the caps see them. */
  async monthly(scope: { readonly accountId: string } | { readonly keyId: string }): Promise<{ spentUsd: number; tokens: number }> {
    const totals = await this.#backend.readMonthly(scope);
    return { spentUsd: nanosToUsd(totals.spentNanoUsd), tokens: totals.tokens };
  }

  /** Sets this month's totals of an account or a key (tests, and tools that know them). */
  async seedMonthly(
    scope: { readonly accountId: string } | { readonly keyId: string },
    totals: { readonly costUsd: number; readonly tokens: number },
  ): Promise<void> {
    await this.#backend.seedMonthly(scope, usdToNanos(totals.costUsd), totals.tokens);
  }
}

function spendRequest(input: AdmitInput, limits: EffectiveLimits): SpendRequest {
  const { keySpendCapUsd, accountSpendCapUsd, budget } = input.key;
  return {
    costNanoUsd: usdToNanos(input.worstCaseCostUsd),
    keyCapNanoUsd: keySpendCapUsd === null ? null : usdToNanos(keySpendCapUsd),
    accountCapNanoUsd: accountSpendCapUsd === null ? null : usdToNanos(accountSpendCapUsd),
    includedTokens: limits.includedTokens,
    keyBudget: budget === undefined || budget === null ? null : { capNanoUsd: usdToNanos(budget.usd), period: budget.period },
  };
}

/** A NaN or negative amount would slip past every `used + amount <= cap` check, so it is a bug, reported as one. */
function assertAmounts(input: AdmitInput): void {
  if (isAmount(input.promptTokens) && isAmount(input.maxOutputTokens) && isAmount(input.worstCaseCostUsd)) return;
  const { promptTokens, maxOutputTokens, worstCaseCostUsd } = input;
  const detail = JSON.stringify({ promptTokens, maxOutputTokens, worstCaseCostUsd });
  throw new GatewayError(500, 'internal_error', `Invalid admission amounts: ${detail}`);
}
