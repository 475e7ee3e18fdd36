/** @module Building a ledger row from what the request pipeline knows when it settles a request. */
import { uniqueIdGenerator } from '../core/unique-id.js';
import type { UsageRecord } from '../store/index.js';

export type { UsageEndpoint, UsageRecord } from '../store/index.js';

/** Everything a ledger row holds except its id and timestamp, plus when the request arrived. */
export interface UsageFacts extends Omit<UsageRecord, 'id' | 'createdAt'> {
  /** Epoch milliseconds of the request's arrival; becomes `createdAt` and decides the row's month. */
  startedAtMs: number;
}

/** A fresh ledger row id (`usage_…`). */
export const newUsageId = uniqueIdGenerator('usage_');

/**
 * A ledger row from `facts`: latencies are rounded to whole milliseconds, absent cache token counts and response
 * cache figures are 0 (no hit), an absent end user is null, the id is generated.
 * @throws {RangeError} for negative or fractional token counts, a negative or non-finite cost or latency, or a
 * status outside 100–599. Such a value is a bug upstream of the ledger; storing it would corrupt the sums that
 * clients reconcile against, so it is reported rather than coerced.
 */
export function createUsageRecord(facts: UsageFacts, generateId: () => string = newUsageId): UsageRecord {
  checkCount('promptTokens', facts.promptTokens);
  checkCount('completionTokens', facts.completionTokens);
  const cacheReadTokens = facts.cacheReadTokens ?? 0;
  const cacheWriteTokens = facts.cacheWriteTokens ?? 0;
  checkCount('cacheReadTokens', cacheReadTokens);
  checkCount('cacheWriteTokens', cacheWriteTokens);
  checkAmount('costUsd', facts.costUsd);
  const responseCacheSavedUsd = facts.responseCacheSavedUsd ?? 0;
  checkAmount('responseCacheSavedUsd', responseCacheSavedUsd);
  checkAmount('latencyMs', facts.latencyMs);
  if (facts.ttftMs !== null) checkAmount('ttftMs', facts.ttftMs);
  if (!Number.isInteger(facts.status) || facts.status < 100 || facts.status > 599) {
    throw new RangeError(`usage status must be an HTTP status, got ${facts.status}`);
  }
  if (!Number.isFinite(facts.startedAtMs)) throw new RangeError(`usage startedAtMs must be finite, got ${facts.startedAtMs}`);
  // Field by field rather than rest and spread: this runs once per request, and the literal is several times faster.
  return {
    id: generateId(),
    requestId: facts.requestId,
    accountId: facts.accountId,
    keyId: facts.keyId,
    requestedModel: facts.requestedModel,
    routedModel: facts.routedModel,
    provider: facts.provider,
    byok: facts.byok,
    promptTokens: facts.promptTokens,
    completionTokens: facts.completionTokens,
    costUsd: facts.costUsd,
    latencyMs: Math.round(facts.latencyMs),
    ttftMs: facts.ttftMs === null ? null : Math.round(facts.ttftMs),
    status: facts.status,
    errorCode: facts.errorCode,
    stream: facts.stream,
    createdAt: new Date(facts.startedAtMs).toISOString(),
    endpoint: facts.endpoint,
    estimated: facts.estimated,
    cacheReadTokens,
    cacheWriteTokens,
    responseCacheHit: facts.responseCacheHit === true,
    responseCacheSavedUsd,
    endUser: facts.endUser ?? null,
  };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`usage ${name} must be a non-negative integer, got ${value}`);
  }
}

function checkAmount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`usage ${name} must be a non-negative finite number, got ${value}`);
  }
}
