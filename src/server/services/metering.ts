/**
 * @module The usage ledger: its batched writer into the store, and one request's row by id (pending in the writer
 * or already stored) for `GET /v1/requests/{id}`.
 */
import { createStoreUsageSink, RequestRecords, UsageWriter } from '../../metering/index.js';
import { findUsageByRequestId, type Store } from '../../store/index.js';
import type { BackgroundFailureHandler } from './background-failures.js';

export interface MeteringService {
  ledger: UsageWriter;
  requestRecords: RequestRecords;
  /** Writes the rows still waiting. */
  close(): Promise<void>;
}

export function startMetering(deps: { store: Store; failed: BackgroundFailureHandler }): MeteringService {
  const { store } = deps;
  const ledger = new UsageWriter({
    sink: createStoreUsageSink(store),
    onError: deps.failed('usage_ledger', 'error', 'writing usage rows failed; retrying (rows wait in memory, the oldest dropped when full)'),
  });
  const requestRecords = new RequestRecords({
    findPending: (requestId) => ledger.findPending(requestId),
    readStored: (accountId, requestId) => findUsageByRequestId(store.db, accountId, requestId),
  });
  return { ledger, requestRecords, close: () => ledger.close() };
}
