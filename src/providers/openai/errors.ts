/**
 * @module OpenAI-format upstream error → GatewayError.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
import type { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { mapUpstreamStatus, parseJsonSafe, retryAfterFromHeaders } from '../shared/upstream-error.js';
import type { UpstreamHeaders } from '../types.js';

/** Extracts `error.message` (or the raw text) and maps the status with the shared policy. */
export function toOpenAIGatewayError(status: number, headers: UpstreamHeaders, body: string): GatewayError {
  return mapUpstreamStatus(status, openAIErrorMessage(parseJsonSafe(body), body), retryAfterFromHeaders(headers));
}

/** The message of an OpenAI-shaped error value, or the raw text (truncated) when it has none. */
export function openAIErrorMessage(parsed: unknown, raw: string): string {
  if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === 'string') return parsed.error.message;
  if (isRecord(parsed) && typeof parsed.message === 'string') return parsed.message;
  return raw.slice(0, 500) || 'no error body';
}
