/**
 * @module End-user attribution: the end user a client names on a request — OpenAI's `user` (chat, Responses,
 * embeddings) or `safety_identifier` (chat, Responses), Anthropic's `metadata.user_id` (the Messages door maps it to
 * `user`) — recorded in the request's ledger row so usage can be reported per end user. Each door's schema caps the
 * field at {@link MAX_END_USER_LENGTH} characters (a longer one is a 400 naming it), which also bounds what one
 * request can make the ledger store.
 */

/** The longest end-user id a request may send, in characters. */
export const MAX_END_USER_LENGTH = 256;

/** The end user a request names: `user`, else `safety_identifier`; undefined when neither is a non-empty string. */
export function endUserOf(request: { readonly user?: unknown; readonly safety_identifier?: unknown }): string | undefined {
  for (const value of [request.user, request.safety_identifier]) {
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
