/**
 * @module One page of a list of items, as OpenAI's cursor lists serve them (`GET /v1/responses/{id}/input_items`):
 * `limit` items in `order`, starting after the item whose id is `after`. Pure arithmetic on a list already in
 * memory, so the route and the store agree on what a page is.
 * @see https://platform.openai.com/docs/api-reference/responses/input-items
 */

/** What page to cut: the query parameters of a cursor list. */
export interface PageRequest {
  /** The id of the last item of the previous page; omitted: the first page. */
  after?: string | undefined;
  /** Items on the page, 1–100. */
  limit: number;
  /** `asc`: oldest first (conversation order); `desc`: newest first. */
  order: 'asc' | 'desc';
}

/** A page, or why there is none. */
export type PageResult<T> = { page: T[]; hasMore: boolean } | { unknownAfter: string };

/**
 * Cuts the page out of `list` (given oldest first). `after` is looked up by its last occurrence in the chosen
 * order: ids are unique in practice, but a client may reuse one, and the last occurrence is at or beyond the end of
 * the page that named it, so a client paging with `after` always moves forward and ends.
 */
export function pageOf<T>(list: readonly T[], idOf: (item: T) => string | null, request: PageRequest): PageResult<T> {
  const ordered = request.order === 'asc' ? list : [...list].reverse();
  let start = 0;
  if (request.after !== undefined) {
    const at = ordered.findLastIndex((item) => idOf(item) === request.after);
    if (at === -1) return { unknownAfter: request.after };
    start = at + 1;
  }
  const end = start + request.limit;
  return { page: ordered.slice(start, end), hasMore: end < ordered.length };
}
