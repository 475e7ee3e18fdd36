/**
 * @module `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`: the
 * Responses API's stored responses, read back, deleted, and the items one was generated from, a page at a time.
 *
 * An unknown id, another account's, an expired one and a deleted one all get the same 404, so an id reveals nothing
 * about other tenants. Each call counts as one request against the key's rpm (429 when the window is full) and
 * reserves nothing else: no model is called, so no tokens, spend or ledger row, and an account past its spend cap
 * can still read and delete what it stored.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 * @see https://platform.openai.com/docs/api-reference/responses/delete
 * @see https://platform.openai.com/docs/api-reference/responses/input-items
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRecord } from '../../auth/index.js';
import type { PageRequest, ResponseStore } from '../../conversation/index.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import type { Admission } from '../../limits/index.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';

export interface ResponseStoreRouteDeps {
  store: ResponseStore;
  admission: Admission;
}

/** The `include` values of OpenAI's `IncludeEnum`; stored items are kept whole, so each is accepted and needs no work. */
const INCLUDE_VALUES: ReadonlySet<string> = new Set([
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
]);

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

type Query = Record<string, string | string[] | undefined>;
type ResponseRequest = FastifyRequest<{ Params: { id: string }; Querystring: Query }>;

/** Registers the three routes. */
export function registerResponseStoreRoutes(app: FastifyInstance, deps: ResponseStoreRouteDeps): void {
  /** Counts the request against rpm, then hands back the caller's key. */
  async function admit(request: ResponseRequest, reply: FastifyReply): Promise<KeyRecord> {
    const key = request.apiKey as KeyRecord;
    setRateLimitHeaders(reply, await deps.admission.countRefused(key));
    return key;
  }

  app.get('/v1/responses/:id', async (request: ResponseRequest, reply) => {
    const key = await admit(request, reply);
    parseInclude(request.query);
    if (single(request.query, 'stream') === 'true') {
      throw invalidRequest('Replaying a stored response as a stream is not supported; retrieve it without `stream`.', 'stream');
    }
    const stored = await deps.store.get(key.accountId, request.params.id);
    if (stored === undefined) throw responseNotFound(request.params.id);
    return stored.response;
  });

  app.delete('/v1/responses/:id', async (request: ResponseRequest, reply) => {
    const key = await admit(request, reply);
    if (!(await deps.store.delete(key.accountId, request.params.id))) throw responseNotFound(request.params.id);
    return { id: request.params.id, object: 'response', deleted: true };
  });

  app.get('/v1/responses/:id/input_items', async (request: ResponseRequest, reply) => {
    const key = await admit(request, reply);
    const page = parsePageRequest(request.query);
    const found = await deps.store.inputItems(key.accountId, request.params.id, page);
    if (found === undefined) throw responseNotFound(request.params.id);
    const { data, hasMore } = found;
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
  });
}

/** OpenAI's answer for a response that is not there (or not the caller's to see). */
function responseNotFound(id: string): GatewayError {
  return new GatewayError(404, 'not_found', `Response with id '${id}' not found.`, { type: 'invalid_request_error' });
}

/** `after`, `limit` (1–100, default 20) and `order` (`asc` | `desc`, default `desc`), each checked; `include` too. */
function parsePageRequest(query: Query): PageRequest {
  parseInclude(query);
  const limitText = single(query, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^\d{1,3}$/.test(limitText) ? Number(limitText) : 0;
  if (limit < 1 || limit > MAX_LIMIT) throw invalidRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}.`, 'limit');
  const order = single(query, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidRequest("order must be 'asc' or 'desc'.", 'order');
  const after = single(query, 'after');
  if (after === '') throw invalidRequest('after must be the id of an item.', 'after');
  return { after, limit, order };
}

/** Checks `include` (`include[]=…` as the SDKs send it, or `include=…`): strings of OpenAI's list. */
function parseInclude(query: Query): void {
  for (const name of ['include', 'include[]']) {
    const value = query[name];
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    const unknown = values.find((entry) => !INCLUDE_VALUES.has(entry));
    if (unknown !== undefined) throw invalidRequest(`Unknown include value '${unknown}'.`, 'include');
  }
}

/** A query parameter given at most once. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalidRequest(`${name} may be given only once.`, name);
  return value;
}
