/**
 * @module Admission: plans' limits, leases and the monthly spend counters, on the shared limiter backend. Each
 * account's and key's charges of the month are read from the ledger on first use, not all at start.
 */
import type { GatewayConfig } from '../../config/types.js';
import { Admission, type LimiterBackend, MonthlySeeder } from '../../limits/index.js';
import { loadMonthlyCharge } from '../../metering/index.js';
import type { Store } from '../../store/index.js';

export interface LimitsService {
  admission: Admission;
  /** Waits for admission's pending writes to the backend. */
  close(): Promise<void>;
}

export function startLimits(deps: { store: Store; config: GatewayConfig; backend: LimiterBackend }): LimitsService {
  const { config, backend } = deps;
  const seeder = new MonthlySeeder({ backend, load: (scope, nowMs) => loadMonthlyCharge(deps.store.db, scope, nowMs), now: Date.now });
  const admission = new Admission({
    backend,
    plans: config.plans,
    seeder,
    ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
  });
  return { admission, close: () => admission.settled() };
}
