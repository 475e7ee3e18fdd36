/** @module The store's public API: schema types, opening a store, migrations and repositories. */
export { PLANS, ROUTING_MODES } from './database.js';
export type { AccountsTable, ApiKeysTable, Database, Plan, RoutingMode, UsageTable } from './database.js';
export type { Store, StoreDialect } from './store.js';
export { createStore, SQLITE_FILE_NAME } from './sqlite-store.js';
export type { CreateStoreOptions } from './sqlite-store.js';
export { migrateToLatest } from './migrate.js';
export type { MigrationReport } from './migrate.js';
export { DuplicateEmailError, MigrationError } from './errors.js';
export { createAccount, findAccountByEmail, findAccountById, updateAccountLimits } from './repositories/accounts.js';
export type { AccountLimitsPatch, AccountRecord, CustomLimits, NewAccount } from './repositories/accounts.js';
export {
  findApiKeyById,
  insertApiKey,
  listActiveKeysWithAccounts,
  listApiKeys,
  revokeApiKey,
} from './repositories/api-keys.js';
export type { ActiveKeyRow, ApiKeyRecord, NewApiKey } from './repositories/api-keys.js';
export { insertUsageBatch, monthlyTotals, monthlyTotalsByAccountAndKey, sumCost } from './repositories/usage.js';
export type {
  ChargedTotals,
  MonthlyChargedTotals,
  MonthlyTotalsQuery,
  UsageRecord,
  UsageTotals,
} from './repositories/usage.js';
