/** @module The dashboard API's JSON shapes (snake_case, as documented in docs/dashboard-api.md). */
import type { AccountInfo, KeyInfo, ProviderCredentialInfo } from '../../../auth/index.js';
import type { UsageTotals } from '../../../metering/index.js';

/** `{id, email, plan, created_at}`. */
export function accountJson(account: AccountInfo) {
  return { id: account.id, email: account.email, plan: account.plan, created_at: account.createdAt };
}

/** A key without its secret. */
export function keyJson(key: KeyInfo) {
  return {
    id: key.id,
    name: key.name,
    last4: key.last4,
    status: key.status,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    default_routing: key.routing,
    default_provider: key.provider,
    response_cache_ttl_seconds: key.responseCacheTtlSeconds,
    spend_cap_usd: key.spendCapUsd,
    budget_usd: key.budgetUsd,
    budget_period: key.budgetPeriod,
    allowed_models: key.allowedModels,
    rpm_limit: key.rpmLimit,
    tpm_limit: key.tpmLimit,
    expires_at: key.expiresAt,
    rotated_from: key.rotatedFrom,
    grace_until: key.graceUntil,
  };
}

/** A provider key without the key: `{id, provider, last4, created_at}`. */
export function providerKeyJson(credential: ProviderCredentialInfo) {
  return { id: credential.id, provider: credential.provider, last4: credential.last4, created_at: credential.createdAt };
}

/** `{requests, prompt_tokens, completion_tokens, cost_usd, response_cache_hits, response_cache_saved_usd}`. */
export function monthJson(totals: UsageTotals) {
  return {
    requests: totals.requests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    cost_usd: roundUsd(totals.costUsd),
    response_cache_hits: totals.responseCacheHits,
    response_cache_saved_usd: roundUsd(totals.responseCacheSavedUsd),
  };
}

/** Sums of many float costs drift (0.1 + 0.2); ten decimals is far below a token's price and hides the noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
