/**
 * @module A reasoning item's `encrypted_content`, as this gateway writes it: the canonical `reasoning_details` of the
 * assistant turn (Claude's signed thinking, its redacted thinking), in an opaque versioned envelope, `op1.` +
 * base64url(JSON). The Responses API carries a provider's reasoning state in that field so a client can send it back
 * (Codex and the AI SDK do, with `store: false`); the gateway reads it back into `reasoning_details` for the next
 * assistant turn, and the adapter of the format that produced it replays it (others drop it).
 *
 * Not encrypted and not signed: it holds nothing the client could not send as `reasoning_details` on Chat
 * Completions, and the provider verifies its own signatures. Content that is not ours (real OpenAI's `gAAAA…`
 * Fernet tokens) or that does not decode is not an error: it is reasoning nobody here can read, so it is dropped.
 */
import { Value } from '@sinclair/typebox/value';
import { Type } from '@sinclair/typebox';
import { ReasoningDetail } from '../../core/chat-request.js';

/** The envelope's version prefix. A later format gets `op2.`; `op1.` content stays readable. */
const PREFIX = 'op1.';

const Details = Type.Array(ReasoningDetail, { minItems: 1 });

/** The encrypted_content for a turn's reasoning details. */
export function encodeReasoningState(details: readonly ReasoningDetail[]): string {
  return PREFIX + Buffer.from(JSON.stringify(details), 'utf8').toString('base64url');
}

/** The reasoning details inside an encrypted_content this gateway wrote; `undefined` for anything else. */
export function decodeReasoningState(content: string | null | undefined): ReasoningDetail[] | undefined {
  if (typeof content !== 'string' || !content.startsWith(PREFIX)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return Value.Check(Details, parsed) ? parsed : undefined;
}
