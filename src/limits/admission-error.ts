/**
 * @module The errors admission rejects with: a {@link GatewayError} (429 `rate_limit_exceeded` or 402
 * `quota_exceeded`) that also carries the rate-limit headers, so the error renderer can send them like any other
 * /v1 response.
 */
import { GatewayError, type GatewayErrorOptions } from '../core/gateway-error.js';
import { limitOwner, type AdmissionKey } from './effective-limits.js';
import { wholeSeconds, type RateLimitHeaders } from './headers.js';
import { formatUsd } from './money.js';
import type { EffectiveLimits, Rejection } from './types.js';

/** Retry-After for a concurrency rejection: when a slot frees is unknowable, so clients poll each second. */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

/**
 * The stage that refused: `rpm`, `key_rpm`, `concurrency`, `tpm`, `key_tpm`, `key_spend`, `key_budget`,
 * `account_spend` or `included_tokens`.
 */
export type RejectionStage = Rejection['stage'];

/** A rejected admission. Render it like any GatewayError, and also send `headers`. */
export class AdmissionError extends GatewayError {
  readonly stage: RejectionStage;
  readonly headers: RateLimitHeaders;

  constructor(status: 402 | 429, stage: RejectionStage, message: string, headers: RateLimitHeaders, options: GatewayErrorOptions) {
    super(status, status === 429 ? 'rate_limit_exceeded' : 'quota_exceeded', message, options);
    this.name = 'AdmissionError';
    this.stage = stage;
    this.headers = headers;
  }
}

/** What the message of a rejection needs to name the limit. */
export interface RejectionContext {
  readonly key: AdmissionKey;
  readonly limits: EffectiveLimits;
  /** Tokens the request tried to reserve. */
  readonly tokens: number;
  readonly headers: RateLimitHeaders;
}

/** The error for a backend rejection. */
export function admissionError(rejection: Rejection, context: RejectionContext): AdmissionError {
  const { headers } = context;
  const message = rejectionMessage(rejection, context);
  switch (rejection.stage) {
    case 'rpm':
    case 'key_rpm':
    case 'tpm':
    case 'key_tpm':
      return rateError(rejection.stage, message, rejection.retryAfterMs, headers);
    case 'concurrency':
      return rateError(rejection.stage, message, CONCURRENCY_RETRY_AFTER_SECONDS * 1000, headers);
    case 'key_spend':
    case 'key_budget':
    case 'account_spend':
    case 'included_tokens':
      return new AdmissionError(402, rejection.stage, message, headers, { retryable: false });
    default:
      return unknownRejection(rejection);
  }
}

/** The message naming the limit that refused. */
function rejectionMessage(rejection: Rejection, { key, limits, tokens }: RejectionContext): string {
  switch (rejection.stage) {
    case 'rpm':
      return `Rate limit reached: ${limits.rpm} requests per minute ${limitOwner(key, 'rpm')}.`;
    case 'key_rpm':
      return `Rate limit reached: ${key.keyRpm ?? 0} requests per minute on this key.`;
    case 'concurrency':
      return `Concurrency limit reached: ${limits.concurrent} requests in flight ${limitOwner(key, 'concurrent')}.`;
    case 'tpm':
      return tokensMessage(rejection.retryAfterMs, tokens, limits.tpm, limitOwner(key, 'tpm'));
    case 'key_tpm':
      return tokensMessage(rejection.retryAfterMs, tokens, key.keyTpm ?? 0, 'on this key');
    case 'key_spend':
      return `Monthly spend cap of ${formatUsd(key.keySpendCapUsd ?? 0)} on this key reached.`;
    case 'key_budget':
      return budgetMessage(key);
    case 'account_spend':
      return `Monthly spend cap of ${formatUsd(key.accountSpendCapUsd ?? 0)} on this account reached.`;
    case 'included_tokens':
      return `Monthly included tokens of ${limits.includedTokens} ${limitOwner(key, 'includedTokens')} used up.`;
    default:
      return unknownRejection(rejection);
  }
}

/** A tpm refusal: the window is full for now, or (no wait) the request alone is larger than the limit. */
function tokensMessage(waitMs: number | null, tokens: number, tpm: number, owner: string): string {
  if (waitMs !== null) return `Rate limit reached: ${tpm} tokens per minute ${owner}.`;
  return (
    `This request needs ${tokens} tokens (prompt + max output), more than the limit of ${tpm} tokens ` +
    `per minute ${owner}; lower max_tokens or shorten the prompt.`
  );
}

/** Names the key budget, its period and when it starts again (UTC). */
function budgetMessage(key: AdmissionKey): string {
  const budget = key.budget;
  if (budget === undefined || budget === null) return 'The budget of this key is used up.';
  const resets = { daily: 'at 00:00 UTC', weekly: 'on Monday at 00:00 UTC', monthly: 'on the 1st of the month at 00:00 UTC' }[budget.period];
  return `The ${budget.period} budget of ${formatUsd(budget.usd)} on this key is used up (or too little is left for this request); it starts again ${resets}.`;
}

/** 429; a null wait means no retry can succeed at these limits, so no Retry-After and not retryable. */
function rateError(stage: RejectionStage, message: string, waitMs: number | null, headers: RateLimitHeaders): AdmissionError {
  if (waitMs === null) return new AdmissionError(429, stage, message, headers, { retryable: false });
  const seconds = Math.max(1, wholeSeconds(waitMs));
  return new AdmissionError(429, stage, `${message} Please try again in ${seconds}s.`, headers, {
    retryable: true,
    retryAfterSeconds: seconds,
  });
}

function unknownRejection(rejection: never): never {
  throw new Error(`Unknown admission rejection: ${JSON.stringify(rejection)}`);
}
