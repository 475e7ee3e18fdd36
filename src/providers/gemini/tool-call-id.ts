/**
 * @module Tool-call ids that carry Gemini's thought signature through the client.
 *
 * Gemini 3 models attach a `thoughtSignature` to function calls made while thinking, and reject a later request
 * whose history replays the call without it ("Function call is missing a thought_signature"). The gateway keeps no
 * state between requests, and an OpenAI client returns nothing of an assistant tool call but its `id`, name and
 * arguments, so the signature travels inside the id:
 *
 *   `call_<24 hex>`                 a call without a signature
 *   `call_<24 hex>_ts_<signature>`  the signature in URL-safe base64 (`+`→`-`, `/`→`_`, `=` padding dropped)
 *
 * The 24 hex characters are a SHA-256 prefix of (completion id, choice index, call index), so ids are unique across
 * answers and identical between a stream and its replay. The whole id stays within `[A-Za-z0-9_-]`, which Anthropic
 * and most OpenAI-compatible vendors accept, should a later turn of the conversation be routed elsewhere. Ids carry
 * the signature at its full length (hundreds to a few thousand characters). A signature that is not canonical base64
 * (Google always sends canonical base64, as proto3 JSON does for bytes) is left out rather than altered.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
import { createHash } from 'node:crypto';

const PREFIX = 'call_';
const SEPARATOR = '_ts_';
const ENCODED_ID = /^call_[0-9a-f]{24}_ts_([A-Za-z0-9_-]+)$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Builds the OpenAI tool-call id for the `callIndex`-th function call of choice `choiceIndex` in completion
 * `completionId`, embedding `thoughtSignature` when there is one.
 */
export function encodeGeminiToolCallId(completionId: string, choiceIndex: number, callIndex: number, thoughtSignature?: string): string {
  const hash = createHash('sha256').update(`${completionId}\u0000${choiceIndex}\u0000${callIndex}`).digest('hex');
  const base = `${PREFIX}${hash.slice(0, 24)}`;
  if (thoughtSignature === undefined || thoughtSignature === '' || !CANONICAL_BASE64.test(thoughtSignature)) {
    return base;
  }
  return `${base}${SEPARATOR}${toUrlSafe(thoughtSignature)}`;
}

/** The thought signature (standard base64) carried by a tool-call id, or `undefined` when it carries none. */
export function decodeGeminiThoughtSignature(toolCallId: string): string | undefined {
  const match = ENCODED_ID.exec(toolCallId);
  if (match?.[1] === undefined) return undefined;
  const standard = match[1].replaceAll('-', '+').replaceAll('_', '/');
  if (standard.length % 4 === 1) return undefined;
  return standard + '='.repeat((4 - (standard.length % 4)) % 4);
}

function toUrlSafe(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
