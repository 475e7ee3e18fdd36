/**
 * @module Gemini (Google RPC style) error → GatewayError.
 *
 * Bodies look like `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`; Vertex may
 * wrap the object in a one-element array. The retry delay comes from a `google.rpc.RetryInfo` detail
 * (`retryDelay: "34.4s"`, rounded up to whole seconds), else from the `Retry-After` header. An invalid API key is a
 * 400 with an `API_KEY_INVALID` reason; it is the gateway's credential, so it is mapped like a 401.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
import type { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { mapUpstreamStatus, parseJsonSafe, retryAfterFromHeaders } from '../shared/upstream-error.js';
import type { UpstreamHeaders } from '../types.js';

/** HTTP status for each canonical RPC status, for in-stream errors that carry no numeric `code`. */
const RPC_STATUS_HTTP: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Maps an upstream non-2xx answer. */
export function toGeminiGatewayError(status: number, headers: UpstreamHeaders, body: string): GatewayError {
  const rpc = rpcErrorOf(parseJsonSafe(body));
  return fromRpcError(status, rpc, body, retryAfterFromHeaders(headers));
}

/** Maps an `{"error": …}` object found inside a 200 stream; its status comes from `code`, else from `status`. */
export function geminiStreamError(error: unknown, raw: string): GatewayError {
  const rpc = isRecord(error) ? error : undefined;
  return fromRpcError(streamErrorStatus(rpc), rpc, raw, undefined);
}

function fromRpcError(status: number, rpc: Record<string, unknown> | undefined, raw: string, headerRetryAfter: number | undefined): GatewayError {
  const message = typeof rpc?.message === 'string' ? rpc.message : raw.slice(0, 500) || 'no error body';
  const effectiveStatus = hasApiKeyInvalidReason(rpc) ? 401 : status;
  return mapUpstreamStatus(effectiveStatus, message, retryDelaySeconds(rpc) ?? headerRetryAfter);
}

function rpcErrorOf(parsed: unknown): Record<string, unknown> | undefined {
  const envelope = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  return isRecord(envelope) && isRecord(envelope.error) ? envelope.error : undefined;
}

function streamErrorStatus(rpc: Record<string, unknown> | undefined): number {
  if (typeof rpc?.code === 'number' && Number.isInteger(rpc.code) && rpc.code >= 400) return rpc.code;
  if (typeof rpc?.status === 'string') return RPC_STATUS_HTTP[rpc.status] ?? 500;
  return 500;
}

function details(rpc: Record<string, unknown> | undefined): Record<string, unknown>[] {
  return Array.isArray(rpc?.details) ? rpc.details.filter(isRecord) : [];
}

function hasApiKeyInvalidReason(rpc: Record<string, unknown> | undefined): boolean {
  return details(rpc).some((detail) => detail.reason === 'API_KEY_INVALID');
}

/** `RetryInfo.retryDelay` (a proto Duration such as `"34.4s"`) in whole seconds, at least 1. */
function retryDelaySeconds(rpc: Record<string, unknown> | undefined): number | undefined {
  for (const detail of details(rpc)) {
    const type = detail['@type'];
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match?.[1] !== undefined) return Math.max(1, Math.ceil(Number(match[1])));
  }
  return undefined;
}
