/** @module What the dashboard API's route modules share: the services they call and the clock. */
import type { Kysely } from 'kysely';
import type { AccountsService, DashboardThrottles, KeysService, ProviderCredentialsService, SessionService } from '../../../auth/index.js';
import type { ModelConfig, PlanConfig } from '../../../config/types.js';
import type { Database } from '../../../store/index.js';
import type { StatusReport } from './status.js';

/**
 * Checks a provider key against the provider itself (a minimal call). Resolves when the provider accepted it;
 * throws a GatewayError saying why not otherwise.
 */
export type ProviderKeyTester = (provider: string, apiKey: string) => Promise<void>;

/** Everything the route modules use, built once by `registerDashboardApi`. */
export interface DashboardContext {
  db: Kysely<Database>;
  accounts: AccountsService;
  keys: KeysService;
  sessions: SessionService;
  throttles: DashboardThrottles;
  credentials: ProviderCredentialsService;
  testProviderKey: ProviderKeyTester | undefined;
  plans: Readonly<Record<string, PlanConfig>>;
  models: readonly ModelConfig[];
  status: () => StatusReport;
  /** Milliseconds since the epoch. */
  now: () => number;
}
