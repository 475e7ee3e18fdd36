/** @module The auth module's public API: API key secrets, the key cache, passwords and the account/key services. */
export { API_KEY_PREFIX, generateApiKey, hashApiKey, last4, looksLikeApiKey } from './api-key.js';
export { hashPassword, verifyPassword } from './password.js';
export { newAccountId, newKeyId } from './ids.js';
export { AuthServiceError } from './errors.js';
export type { AuthServiceErrorCode } from './errors.js';
export { KeyCache } from './key-cache.js';
export type { KeyCacheOptions, KeyRecord } from './key-cache.js';
export { createAccountsService } from './accounts-service.js';
export type {
  AccountInfo,
  AccountLimitsInput,
  AccountsService,
  AccountsServiceDeps,
  CreateAccountInput,
} from './accounts-service.js';
export { createKeysService } from './keys-service.js';
export type {
  AccountRef,
  CreatedKey,
  CreateKeyInput,
  KeyInfo,
  KeyScope,
  KeysService,
  KeysServiceDeps,
} from './keys-service.js';
