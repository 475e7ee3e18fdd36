/**
 * @module The auth module's public API: API key secrets, the key cache, passwords, the account/key services,
 * dashboard sessions, CSRF tokens, login throttling and BYOK secrets at rest.
 */
export { API_KEY_PREFIX, generateApiKey, hashApiKey, last4, looksLikeApiKey } from './api-key.js';
export { hashPassword, verifyPassword } from './password.js';
export { newAccountId, newKeyId } from './ids.js';
export { AuthServiceError } from './errors.js';
export type { AuthServiceErrorCode } from './errors.js';
export { KeyCache, KeyLookupError } from './key-cache.js';
export type { KeyCacheOptions, KeyCacheStats } from './key-cache.js';
export type { KeyRecord } from './key-record.js';
export { keySourceOf } from './key-source.js';
export type { KeySource } from './key-source.js';
export { createAccountsService } from './accounts-service.js';
export type {
  AccountInfo,
  AccountLimitsInput,
  AccountsService,
  AccountsServiceDeps,
  CreateAccountInput,
} from './accounts-service.js';
export { createKeysService, DEFAULT_MAX_KEYS_PER_ACCOUNT, MAX_ROTATION_GRACE_SECONDS } from './keys-service.js';
export type {
  AccountRef,
  CreatedKey,
  CreateKeyInput,
  KeyInfo,
  KeyScope,
  KeysService,
  KeysServiceDeps,
  RotateKeyOptions,
  UpdateKeyInput,
} from './keys-service.js';
export { createSessionService, sessionId, SESSION_IDLE_TIMEOUT_MS, SESSION_TTL_MS } from './sessions.js';
export type { NewSession, Session, SessionService, SessionServiceDeps } from './sessions.js';
export { CSRF_HEADER, csrfTokensMatch, newCsrfToken } from './csrf.js';
export {
  addressBucket,
  DASHBOARD_THROTTLE_DEFAULTS,
  DashboardThrottles,
  FallbackAttemptLog,
  MemoryAttemptLog,
} from './throttle/index.js';
export type {
  AttemptLog,
  AttemptLogLogger,
  AttemptRule,
  DashboardThrottleLimits,
  LoginAttempt,
  LoginVerdict,
  TakeResult,
  ThrottleLimit,
  ThrottleVerdict,
} from './throttle/index.js';
export {
  encodeMasterKey,
  generateMasterKey,
  loadMasterKey,
  MASTER_KEY_FILE,
  MasterKeyError,
  parseMasterKey,
  readMasterKeyFile,
  SecretCipher,
  writeMasterKeyFile,
} from './secrets.js';
export type { LoadedMasterKey, MasterKeySource } from './secrets.js';
export { credentialContext, ProviderCredentialsService, resealAllCredentials } from './provider-credentials.js';
export type { ProviderCredentialInfo, ProviderCredentialsDeps } from './provider-credentials.js';
export { newProviderCredentialId } from './ids.js';
