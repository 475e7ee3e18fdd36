/**
 * @module The catalog in Anthropic's Models API shape, for `GET /v1/models` and `GET /v1/models/{id}` when the
 * request carries `anthropic-version` (every Anthropic SDK sends it): `{type: "model", id, display_name,
 * created_at}` objects, and a list page with `has_more`, `first_id` and `last_id`, paged by `limit` (default 20, at
 * most 1,000), `after_id` and `before_id` as Anthropic's are. Only chat models are listed: an Anthropic client can
 * use nothing else. `display_name` is the catalog id (the catalog keeps no other name).
 * @see https://platform.claude.com/docs/en/api/models-list
 */
import type { ModelConfig } from '../../config/types.js';
import { invalidRequest } from '../../core/gateway-error.js';

/** One model as Anthropic's Models API shows it. */
export interface AnthropicModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  /** RFC 3339, from the catalog's `created`. */
  created_at: string;
}

/** One page of the list. */
export interface AnthropicModelPage {
  data: AnthropicModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** The paging parameters of `GET /v1/models`, as the query string gave them. */
export interface ModelPageQuery {
  limit?: string | undefined;
  after_id?: string | undefined;
  before_id?: string | undefined;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** A catalog model in Anthropic's shape. */
export function toAnthropicModelInfo(model: ModelConfig): AnthropicModelInfo {
  const createdAt = new Date(model.created * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type: 'model', id: model.id, display_name: model.id, created_at: createdAt };
}

/** One page of `models` (already in Anthropic's shape, in catalog order); a 400 for a bad `limit`. */
export function anthropicModelPage(models: readonly AnthropicModelInfo[], query: ModelPageQuery): AnthropicModelPage {
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidRequest(`\`limit\`: must be a whole number from 1 to ${MAX_LIMIT}.`, 'limit');
  }
  // An id that is not in the list bounds nothing.
  const indexOf = (id: string | undefined): number => (id === undefined ? -1 : models.findIndex((model) => model.id === id));
  const after = indexOf(query.after_id);
  const before = indexOf(query.before_id);
  const start = after + 1;
  const end = before === -1 ? models.length : before;
  const fromEnd = before !== -1 && after === -1;
  const from = fromEnd ? Math.max(start, end - limit) : start;
  const to = fromEnd ? end : Math.min(end, start + limit);
  const data = models.slice(from, to);
  return {
    data,
    has_more: fromEnd ? from > start : to < end,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}
