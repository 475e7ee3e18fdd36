/** @module The store's public API: schema types, opening a store, migrations and repositories. */
export { BUDGET_PERIODS, PLANS, ROUTING_MODES } from './database.js';
export type {
  AccountsTable,
  ApiKeysTable,
  BudgetPeriod,
  Database,
  Plan,
  ProviderCredentialsTable,
  RoutingMode,
  SessionsTable,
  StoredItemDirection,
  StoredResponseItemsTable,
  StoredResponsesTable,
  StoredResponseUsageTable,
  UsageEndpoint,
  UsageTable,
} from './database.js';
export type { Store, StoreDialect } from './store.js';
export type { KeyChange, KeyChangeFeed, KeyChangeListener } from './key-change-feed.js';
export { createStore, SQLITE_FILE_NAME } from './sqlite-store.js';
export type { CreateStoreOptions } from './sqlite-store.js';
export { createPostgresStore } from './postgres-store.js';
export type { PostgresStore, PostgresStoreOptions } from './postgres-store.js';
export { openStore } from './open-store.js';
export type { OpenStoreOptions } from './open-store.js';
export { migrateToLatest } from './migrate.js';
export type { MigrationReport } from './migrate.js';
export { DuplicateEmailError, MigrationError } from './errors.js';
export {
  createAccount,
  findAccountByEmail,
  findAccountById,
  lockAccount,
  updateAccountLimits,
  updateAccountPassword,
} from './repositories/accounts.js';
export type { AccountLimitsPatch, AccountRecord, CustomLimits, NewAccount } from './repositories/accounts.js';
export {
  countActiveApiKeys,
  countKeys,
  findApiKeyById,
  insertApiKey,
  listActiveKeysWithAccounts,
  listApiKeys,
  listKeyHashes,
  revokeApiKey,
  scheduleKeyRevocation,
  updateApiKey,
} from './repositories/api-keys.js';
export type { ActiveKeyRow, ApiKeyPatch, ApiKeyRecord, KeyGovernanceColumns, NewApiKey } from './repositories/api-keys.js';
export { findUsageByRequestId, insertUsageBatch, monthlyChargedTotals, sumCost } from './repositories/ledger.js';
export type { ChargedScope, ChargedTotals, UsageRecord } from './repositories/ledger.js';
export { listUsageLog, monthlyTotals, usageByEndUser, usageByKey, usageByModel, usageSeries } from './repositories/usage-reports.js';
export type {
  MonthlyTotalsQuery,
  UsageBucket,
  UsageLogEntry,
  UsageLogQuery,
  UsageRange,
  UsageSeriesPoint,
  UsageShare,
  UsageTotals,
} from './repositories/usage-reports.js';
export {
  deleteAccountSessions,
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  insertSession,
  touchSession,
} from './repositories/sessions.js';
export type { SessionLiveness, SessionRecord } from './repositories/sessions.js';
export {
  deleteProviderCredential,
  listAllProviderCredentials,
  listProviderCredentials,
  replaceProviderCredential,
  resealProviderCredential,
} from './repositories/provider-credentials.js';
export type { ProviderCredentialRecord, SealedSecret } from './repositories/provider-credentials.js';
export {
  deleteStoredResponse,
  deleteStoredResponsesUpTo,
  findItemsAt,
  findItemsById,
  findStoredResponse,
  insertStoredResponse,
  loadChainItemIds,
  loadChainItems,
  storedResponseBytes,
} from './repositories/stored-responses.js';
export type {
  ChainItemRow,
  LiveScope,
  PurgeScope,
  StoredItemKey,
  StoredItemRow,
  StoredResponseRow,
} from './repositories/stored-responses.js';
