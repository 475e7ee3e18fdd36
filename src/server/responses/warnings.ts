/**
 * @module What the Responses door accepted but did not do, told to the client in the `x-op-warnings` response header
 * (JSON answers and streams alike): hosted tools dropped, `truncation: "auto"` not applied, `include` values and
 * `top_logprobs` it cannot serve. Never a refusal: Codex sends hosted tools with every request and must keep working
 * on every model. The header is built from client-sent names, so it is cleaned (printable ASCII) and bounded.
 */
import type { ResponsesRequest } from './request-schema.js';

/** The header's name. */
export const WARNINGS_HEADER = 'x-op-warnings';

/** The one `include` value the door serves. */
export const INCLUDE_ENCRYPTED_REASONING = 'reasoning.encrypted_content';

const MAX_NAMES = 16;
const MAX_NAME_LENGTH = 64;

/** The warnings of one request, given the hosted tool types its tool translation dropped. */
export function requestWarnings(req: ResponsesRequest, droppedTools: readonly string[]): string[] {
  const warnings: string[] = [];
  if (droppedTools.length > 0) warnings.push(`hosted tools dropped (not run by this gateway): ${names(droppedTools)}`);
  if (req.truncation === 'auto') warnings.push('truncation "auto" not applied: the conversation is sent whole');
  const ignored = (req.include ?? []).filter((value) => value !== INCLUDE_ENCRYPTED_REASONING);
  if (ignored.length > 0) warnings.push(`include values not available: ${names(ignored)}`);
  if (typeof req.top_logprobs === 'number' && req.top_logprobs > 0) warnings.push('top_logprobs not available');
  return warnings;
}

/** The header value, or `undefined` when there is nothing to say. */
export function warningsHeaderValue(warnings: readonly string[]): string | undefined {
  return warnings.length === 0 ? undefined : warnings.join('; ');
}

/** Distinct names, cleaned to printable ASCII without separators, at most {@link MAX_NAMES} of them. */
function names(values: readonly string[]): string {
  const cleaned = [...new Set(values.map((value) => value.replace(/[^\x21-\x7e]|[;,]/g, '').slice(0, MAX_NAME_LENGTH)))].filter(
    (value) => value !== '',
  );
  const shown = cleaned.slice(0, MAX_NAMES).join(', ');
  return cleaned.length > MAX_NAMES ? `${shown} and ${cleaned.length - MAX_NAMES} more` : shown;
}
