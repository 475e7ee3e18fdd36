/**
 * @module The dashboard API's JSON shapes (snake_case, as documented in docs/dashboard-api.md), built from the
 * services' records; each builder returns its response schema's type, so a field missing from the schema (which the
 * serializer would drop) does not compile.
 */
import type { Static } from '@sinclair/typebox';
import type { AccountInfo, KeyInfo, ProviderCredentialInfo } from '../../../auth/index.js';
import type { UsageLogEntry, UsageTotals } from '../../../metering/index.js';
import type { Account, ApiKey, LogEntry, MonthTotals, ProviderKey } from './schemas.js';

/** `{id, email, plan, created_at}`. */
export function accountJson(account: AccountInfo): Static<typeof Account> {
  return { id: account.id, email: account.email, plan: account.plan, created_at: account.createdAt };
}

/** A key without its secret. */
export function keyJson(key: KeyInfo): Static<typeof ApiKey> {
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
export function providerKeyJson(credential: ProviderCredentialInfo): Static<typeof ProviderKey> {
  return { id: credential.id, provider: credential.provider, last4: credential.last4, created_at: credential.createdAt };
}

/** `{requests, prompt_tokens, completion_tokens, cost_usd, response_cache_hits, response_cache_saved_usd}`. */
export function monthJson(totals: UsageTotals): Static<typeof MonthTotals> {
  return {
    requests: totals.requests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    cost_usd: roundUsd(totals.costUsd),
    response_cache_hits: totals.responseCacheHits,
    response_cache_saved_usd: roundUsd(totals.responseCacheSavedUsd),
  };
}

/** A request log row; absent response-cache and end-user fields (older rows) read as a miss and none. */
export function logEntryJson(row: UsageLogEntry): Static<typeof LogEntry> {
  return {
    time: row.createdAt,
    request_id: row.requestId,
    endpoint: row.endpoint,
    key_id: row.keyId,
    key_name: row.keyName,
    requested_model: row.requestedModel,
    routed_model: row.routedModel,
    provider: row.provider,
    byok: row.byok,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    estimated: row.estimated,
    cost_usd: row.costUsd,
    response_cache_hit: row.responseCacheHit === true,
    response_cache_saved_usd: row.responseCacheSavedUsd ?? 0,
    latency_ms: row.latencyMs,
    status: row.status,
    error_code: row.errorCode,
    end_user: row.endUser ?? null,
  };
}

/** Sums of many float costs drift (0.1 + 0.2); ten decimals is far below a token's price and hides the noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
