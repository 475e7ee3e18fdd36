/**
 * @module The client's own Messages body, sent to an Anthropic deployment as it came.
 *
 * When a request arrives through a door that speaks Anthropic's format (`/v1/messages`), translating it to the
 * canonical request and back would lose what only Anthropic understands: `cache_control` breakpoints, signed
 * `thinking` blocks, `context_management`, betas. The door attaches the body it checked and cleaned (what the cost
 * rule forbids is already gone) under `NATIVE_BODY`; this file only puts the deployment's model name in it, sets
 * `stream` to what this call does, and carries the client's `anthropic-beta` values.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/api/beta-headers
 */
import type { NativeBody } from '../../core/chat-request.js';
import type { ToUpstreamResult, UpstreamTarget } from '../types.js';

/** The API version this adapter speaks. @see https://platform.claude.com/docs/en/api/versioning */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Appended to the target's base URL, which is the bare host as Anthropic's SDKs take it. */
export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';

/** The headers of every Anthropic call: the key, the API version, and the betas when there are any. */
export function anthropicHeaders(apiKey: string, betas: readonly string[] = []): Record<string, string> {
  const headers: Record<string, string> = {
    'x-api-key': apiKey,
    'anthropic-version': ANTHROPIC_VERSION,
    'content-type': 'application/json',
  };
  if (betas.length > 0) headers['anthropic-beta'] = betas.join(',');
  return headers;
}

/** The native body for one deployment: the same fields, the deployment's `model`, and `stream` as this call streams. */
export function toAnthropicNativeRequest(native: NativeBody, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const body: Record<string, unknown> = { ...native.body, model: target.upstreamModel, stream };
  return {
    request: { path: ANTHROPIC_MESSAGES_PATH, headers: anthropicHeaders(target.apiKey, native.betas), body },
    warnings: [],
  };
}
