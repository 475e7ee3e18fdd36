/**
 * @module Metering, seen from outside: what a request costs and what it used.
 * - Before the call: the prompt's size ({@link measurePrompt}, tokenizer-bounded) and the reservation admission holds
 *   against the limits ({@link chatReservation}, {@link embeddingReservation}).
 * - After it: the settled usage and its price ({@link settleUsage}: the upstream's counts, or our count when it gave
 *   none), and the refusal of parameters we cannot price.
 * - The ledger: one row per request ({@link createUsageRecord}), written in batches off the request path by the
 *   {@link UsageWriter} (bounded backlog, retried writes, `stats()` for `/metrics`), and the monthly totals admission
 *   seeds its counters from; {@link RequestRecords} finds one request's row, pending or stored.
 * - The reports read back from the ledger for people: the month's totals ({@link readMonthlyUsage}, per end user
 *   {@link readMonthlyUsageByEndUser}), the dashboard's usage page ({@link readUsageReport}: chart series, splits by
 *   model, key and end user) and request log ({@link readUsageLog}); the dashboard API and the CLI read usage only
 *   through these, never the store's repositories. Their row types are re-exported here.
 */
export {
  createStoreUsageSink,
  loadMonthlyCharge,
  MemoryUsageSink,
  monthBounds,
  type MonthBounds,
  type UsageLedger,
  type UsageLedgerStats,
  type UsageSink,
} from './ledger.js';
export {
  readMonthlyUsage,
  readMonthlyUsageByEndUser,
  readUsageLog,
  readUsageReport,
  type MonthlyUsageQuery,
  type UsageReport,
  type UsageReportQuery,
} from './reports.js';
export type { UsageBucket, UsageLogEntry, UsageLogQuery, UsageSeriesPoint, UsageShare, UsageTotals } from '../store/index.js';
export { costUsd, withCost } from './pricing.js';
export { RefusedRowBudget } from './refused-row-budget.js';
export { RequestRecords } from './request-records.js';
export { chatReservation, embeddingReservation } from './reservation.js';
export { settleUnrelayed, settleUsage, type SettledUsage } from './settle.js';
export { ESTIMATE_BYTES_PER_TOKEN, measurePrompt, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, type PromptSize } from './token-count.js';
export { BoundedTokenCounter, TokenBudget } from './tokenizer.js';
export { refuseUnpricedParameters } from './unpriced-parameters.js';
export { createUsageRecord, type UsageFacts, type UsageRecord } from './usage-record.js';
export { UsageWriter, type UsageWriterOptions } from './usage-writer.js';
