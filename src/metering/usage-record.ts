/** @module Building a ledger row from what the request pipeline knows when it settles a request. */
import { uniqueIdGenerator } from '../core/unique-id.js';
import type { UsageRecord } from '../store/index.js';

export type { UsageRecord } from '../store/index.js';

/** Everything a ledger row holds except its id and timestamp, plus when the request arrived. */
export interface UsageFacts extends Omit<UsageRecord, 'id' | 'createdAt'> {
  /** Epoch milliseconds of the request's arrival; becomes `createdAt` and decides the row's month. */
  startedAtMs: number;
}

/** A fresh ledger row id (`usage_…`). */
export const newUsageId = uniqueIdGenerator('usage_');

/**
 * A ledger row from `facts`: latencies are rounded to whole milliseconds, the id is generated.
 * @throws {RangeError} for negative or fractional token counts, a negative or non-finite cost or latency, or a
 * status outside 100–599. Such a value is a bug upstream of the ledger; storing it would corrupt the sums that
 * clients reconcile against, so it is reported rather than coerced.
 */
export function createUsageRecord(facts: UsageFacts, generateId: () => string = newUsageId): UsageRecord {
  const { startedAtMs, ...fields } = facts;
  checkCount('promptTokens', fields.promptTokens);
  checkCount('completionTokens', fields.completionTokens);
  checkAmount('costUsd', fields.costUsd);
  checkAmount('latencyMs', fields.latencyMs);
  if (fields.ttftMs !== null) checkAmount('ttftMs', fields.ttftMs);
  if (!Number.isInteger(fields.status) || fields.status < 100 || fields.status > 599) {
    throw new RangeError(`usage status must be an HTTP status, got ${fields.status}`);
  }
  if (!Number.isFinite(startedAtMs)) throw new RangeError(`usage startedAtMs must be finite, got ${startedAtMs}`);
  return {
    ...fields,
    id: generateId(),
    latencyMs: Math.round(fields.latencyMs),
    ttftMs: fields.ttftMs === null ? null : Math.round(fields.ttftMs),
    createdAt: new Date(startedAtMs).toISOString(),
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
