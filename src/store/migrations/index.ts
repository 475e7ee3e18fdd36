/**
 * @module Every migration, in code so the build needs no file copying. Kysely applies them in name order; names are
 * permanent once released (they are recorded in `kysely_migration`).
 */
import type { Migration, MigrationProvider } from 'kysely';
import { accountsAndKeys } from './0001-accounts-and-keys.js';
import { usage } from './0002-usage.js';
import { dashboard } from './0003-dashboard.js';
import { changeNotifications } from './0004-change-notifications.js';
import { usageEndpoint } from './0005-usage-endpoint.js';
import { storedResponses } from './0006-stored-responses.js';
import { usageCacheTokens } from './0007-usage-cache-tokens.js';
import { usageCacheHits } from './0008-usage-cache-hits.js';
import { keyRoutingDefaults } from './0009-key-routing-defaults.js';
import { keyChangeNotices } from './0010-key-change-notices.js';
import { keyGovernance } from './0011-key-governance.js';

/** Migration name → migration. Append only. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-accounts-and-keys': accountsAndKeys,
  '0002-usage': usage,
  '0003-dashboard': dashboard,
  '0004-change-notifications': changeNotifications,
  '0005-usage-endpoint': usageEndpoint,
  '0006-stored-responses': storedResponses,
  '0007-usage-cache-tokens': usageCacheTokens,
  '0008-usage-cache-hits': usageCacheHits,
  '0009-key-routing-defaults': keyRoutingDefaults,
  '0010-key-change-notices': keyChangeNotices,
  '0011-key-governance': keyGovernance,
};

/** A Kysely migration provider over {@link MIGRATIONS}. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...MIGRATIONS };
  },
};
