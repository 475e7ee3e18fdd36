/**
 * @module `GET /v1/requests/{request_id}`: what one request did and cost, after the fact (OpenRouter's generation
 * lookup). `request_id` is the `x-request-id` of the answer. The answer is the request's ledger row — endpoint,
 * requested and routed model, provider, tokens, cost, latency, time to first token, status, whether the response
 * cache answered — as soon as the answer is complete: a request of this instance still finishing is waited for, a row
 * not yet written is read from the ledger's pending batch (`metering/request-records.ts`).
 *
 * Only the caller's own account's requests are found: another account's id answers the same 404 as an unknown one,
 * so an id reveals nothing about other tenants. Each lookup counts as one request against the key's rpm (429 when
 * the window is full) and reserves nothing else; it writes no ledger row of its own.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Admission } from '../../limits/index.js';
import type { RequestRecords } from '../../metering/index.js';
import type { UsageRecord } from '../../store/index.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';

/** What the route needs. */
export interface RequestLookupDeps {
  records: Pick<RequestRecords, 'find'>;
  admission: Admission;
}

/** Longer ids are never the gateway's (`req_` and 25 characters): answered 404 without a lookup. */
const MAX_REQUEST_ID_LENGTH = 128;

/** Registers `GET /v1/requests/:request_id`. */
export function registerRequestLookup(app: FastifyInstance, deps: RequestLookupDeps): void {
  app.get<{ Params: { request_id: string } }>('/v1/requests/:request_id', async (request, reply) => {
    const key = request.apiKey as KeyRecord;
    setRateLimitHeaders(reply, await deps.admission.countRefused(key));
    const id = request.params.request_id;
    const row = id.length > MAX_REQUEST_ID_LENGTH ? undefined : await deps.records.find(key.accountId, id);
    if (row === undefined) throw requestNotFound(id);
    return requestJson(row);
  });
}

/** The ledger row as the API shows it. */
export function requestJson(row: UsageRecord) {
  return {
    id: row.requestId,
    object: 'request' as const,
    created_at: row.createdAt,
    endpoint: row.endpoint,
    model: row.requestedModel,
    routed_model: row.routedModel,
    provider: row.provider,
    key_id: row.keyId,
    end_user: row.endUser ?? null,
    stream: row.stream,
    status: row.status,
    error_code: row.errorCode,
    byok: row.byok,
    usage: {
      prompt_tokens: row.promptTokens,
      completion_tokens: row.completionTokens,
      total_tokens: row.promptTokens + row.completionTokens,
      prompt_tokens_details: { cached_tokens: row.cacheReadTokens ?? 0, cache_write_tokens: row.cacheWriteTokens ?? 0 },
      cost_usd: row.costUsd,
      estimated: row.estimated,
    },
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    cache: { hit: row.responseCacheHit === true, saved_usd: row.responseCacheSavedUsd ?? 0 },
  };
}

function requestNotFound(id: string): GatewayError {
  return new GatewayError(404, 'not_found', `No request with id '${id.slice(0, MAX_REQUEST_ID_LENGTH)}' was found for this account.`, {
    param: 'request_id',
    type: 'invalid_request_error',
  });
}
