/**
 * @module The Responses API's conversation store, as the doors and routes use it: stored responses (`store: true`)
 * with their input and output items, kept for the configured retention, capped in bytes per account, and only ever
 * visible to the account that made them. A later turn continues a conversation with `previous_response_id` by
 * loading the items of every turn along the chain ({@link ResponseStore.history}); `item_reference` inputs resolve
 * with {@link ResponseStore.items}.
 *
 * Unknown, expired, deleted and another account's responses all read as absent (undefined), so no answer tells
 * one from another. Expired rows are invisible from the moment they expire and deleted later by
 * {@link ResponseStore.purgeExpired}, which the server runs periodically.
 *
 * The cap bounds everything a request can make the store do: an account's live responses weigh at most the cap
 * in all, so loading a whole conversation (or a page of its items) reads at most that much.
 */
import type { Kysely } from 'kysely';
import { type GatewayError, invalidRequest } from '../core/gateway-error.js';
import {
  deleteStoredResponse,
  deleteStoredResponsesUpTo,
  findItemsAt,
  findItemsById,
  findStoredResponse,
  insertStoredResponse,
  loadChainItemIds,
  loadChainItems,
  storedResponseBytes,
  type ChainItemRow,
  type LiveScope,
  type StoredItemKey,
  type StoredItemRow,
  type StoredResponseRow,
  type Database,
} from '../store/index.js';
import { pageOf, type PageRequest } from './item-page.js';

/**
 * One item of a Responses API conversation (message, function_call, function_call_output, custom_tool_call,
 * custom_tool_call_output, reasoning…), as JSON with its `id` (items the client sent without one get an id from
 * the door before saving).
 */
export type ConversationItem = Record<string, unknown> & { type: string; id?: string };

/** A response as stored and read back. */
export interface StoredResponse {
  /** `resp_…`. */
  id: string;
  accountId: string;
  /** Unix seconds (the Response's `created_at`); retention counts from it. */
  createdAt: number;
  previousResponseId: string | null;
  /** This turn's input items (item_references already resolved), in order. */
  input: ConversationItem[];
  /** This turn's output items. */
  output: ConversationItem[];
  /** The Response object as sent to the client (what `GET /v1/responses/{id}` returns). */
  response: Record<string, unknown>;
}

/** One page of the items a stored response was generated from. */
export interface InputItemsPage {
  data: ConversationItem[];
  hasMore: boolean;
}

export interface ResponseStoreOptions {
  db: Kysely<Database>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Days a stored response is kept, from its `created_at`. */
  retentionDays: number;
  /** Bytes one account's stored responses may take in all. */
  maxStoredBytesPerAccount: number;
}

/**
 * What a response counts against the cap beyond its JSON: a floor per row, so that the number of rows (and the
 * length of a `previous_response_id` chain) an account can make is bounded by the cap as well as their bytes.
 */
export const RESPONSE_OVERHEAD_BYTES = 512;
/** As {@link RESPONSE_OVERHEAD_BYTES}, per item. */
export const ITEM_OVERHEAD_BYTES = 64;

const DAY_MS = 24 * 60 * 60 * 1000;

export class ResponseStore {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;
  readonly #retentionMs: number;
  readonly #capBytes: number;
  /** The longest chain an account can have stored: also the bound of the recursive chain query. */
  readonly #maxDepth: number;

  constructor(options: ResponseStoreOptions) {
    this.#db = options.db;
    this.#now = options.now;
    this.#retentionMs = options.retentionDays * DAY_MS;
    this.#capBytes = options.maxStoredBytesPerAccount;
    this.#maxDepth = Math.floor(options.maxStoredBytesPerAccount / RESPONSE_OVERHEAD_BYTES) + 1;
  }

  /** Throws GatewayError 400 (param 'store') when saving would take the account over its storage cap. */
  async save(response: StoredResponse): Promise<void> {
    const row = encode(response);
    if (await insertStoredResponse(this.#db, row, this.#capBytes)) return;
    // Expired rows still count until purged: free the account's before refusing.
    if ((await this.#purgeAccount(response.accountId)) > 0 && (await insertStoredResponse(this.#db, row, this.#capBytes))) return;
    throw this.#storageFull();
  }

  /**
   * Throws that same error now when the account is already at/over its cap, or when `incoming` — the turn's input
   * items, which its save will hold at the least — would take it over (checked before an upstream call).
   */
  async assertRoom(accountId: string, incoming: readonly ConversationItem[] = []): Promise<void> {
    const needed = incoming.length === 0 ? 0 : RESPONSE_OVERHEAD_BYTES + itemsBytes(incoming);
    const fits = async (): Promise<boolean> => (await storedResponseBytes(this.#db, accountId)) + needed < this.#capBytes;
    if (await fits()) return;
    if ((await this.#purgeAccount(accountId)) > 0 && (await fits())) return;
    throw this.#storageFull();
  }

  /** The stored response; undefined when unknown, expired, deleted or another account's. */
  async get(accountId: string, id: string): Promise<StoredResponse | undefined> {
    const row = await findStoredResponse(this.#db, this.#scope(accountId), id);
    return row === undefined ? undefined : decode(row);
  }

  /**
   * The conversation up to and including response `id`: along the previous_response_id chain, oldest first, each
   * turn's input items then its output items. Undefined when `id` (or any link of its chain) is unknown, expired,
   * deleted or another account's. Bounded (the account's cap bounds it).
   */
  async history(accountId: string, id: string): Promise<ConversationItem[] | undefined> {
    const rows = await loadChainItems(this.#db, this.#scope(accountId), id, this.#maxDepth);
    if (!isWhole(rows)) return undefined;
    return rows.flatMap((row) => (row.item === null ? [] : [parseItem(row.item.value)]));
  }

  /** Items by id within the account's stored responses (for `item_reference`); missing ids are absent from the map. */
  async items(accountId: string, ids: readonly string[]): Promise<Map<string, ConversationItem>> {
    const found = new Map<string, ConversationItem>();
    // Oldest first, so an id reused in a later response maps to its latest version.
    for (const row of await findItemsById(this.#db, this.#scope(accountId), ids)) found.set(row.itemId, parseItem(row.item));
    return found;
  }

  /**
   * A page of the items response `id` was generated from: the conversation before it (as {@link history} loads it)
   * and its own input items, without its output. Undefined when the response is absent (as for {@link get}); when
   * a turn before it has gone since (deleted or expired), the items of the turns after it, which are all still
   * stored. Only the page's items are read whole; the rest of the list is read as ids.
   * @throws {GatewayError} 400 (param `after`) when `after` names no item of the list.
   */
  async inputItems(accountId: string, id: string, request: PageRequest): Promise<InputItemsPage | undefined> {
    const rows = await loadChainItemIds(this.#db, this.#scope(accountId), id, this.#maxDepth);
    if (rows.length === 0) return undefined;
    const keys: (StoredItemKey & { itemId: string | null })[] = [];
    for (const row of rows) {
      if (row.item === null || (row.depth === 0 && row.item.direction === 'output')) continue;
      keys.push({ responseId: row.responseId, direction: row.item.direction, position: row.item.position, itemId: row.item.value });
    }
    const result = pageOf(keys, (key) => key.itemId, request);
    if ('unknownAfter' in result) throw invalidRequest(`No input item with id '${result.unknownAfter}' in response '${id}'.`, 'after');
    const stored = new Map((await findItemsAt(this.#db, result.page)).map((found) => [placeOf(found), found.item]));
    const data: ConversationItem[] = [];
    for (const key of result.page) {
      const item = stored.get(placeOf(key));
      if (item !== undefined) data.push(parseItem(item));
    }
    return { data, hasMore: result.hasMore };
  }

  /** True when it existed (and was the account's) and is now deleted. */
  delete(accountId: string, id: string): Promise<boolean> {
    return deleteStoredResponse(this.#db, this.#scope(accountId), id);
  }

  /** Deletes responses past their retention; returns how many. */
  purgeExpired(now: number): Promise<number> {
    return deleteStoredResponsesUpTo(this.#db, { createdUpTo: this.#cutoff(now) });
  }

  #purgeAccount(accountId: string): Promise<number> {
    return deleteStoredResponsesUpTo(this.#db, { createdUpTo: this.#cutoff(this.#now()), accountId });
  }

  #scope(accountId: string): LiveScope {
    return { accountId, liveAfter: this.#cutoff(this.#now()) };
  }

  /** Responses created at or before this instant are expired. */
  #cutoff(now: number): string {
    return new Date(now - this.#retentionMs).toISOString();
  }

  #storageFull(): GatewayError {
    const mib = Math.round((this.#capBytes / (1024 * 1024)) * 10) / 10;
    return invalidRequest(
      `This account's stored responses are at their limit (${mib} MiB). Delete stored responses (DELETE /v1/responses/{id}) or send "store": false.`,
      'store',
    );
  }
}

/** Whether a chain read reached its first turn: its oldest response continues none (else a link is missing). */
function isWhole(rows: readonly ChainItemRow<unknown>[]): boolean {
  return rows[0] !== undefined && rows[0].previousResponseId === null;
}

function placeOf(key: StoredItemKey): string {
  return `${key.responseId}\u0000${key.direction}\u0000${key.position}`;
}

function encode(response: StoredResponse): StoredResponseRow {
  const items: StoredItemRow[] = [
    ...response.input.map((item, position) => encodeItem('input', position, item)),
    ...response.output.map((item, position) => encodeItem('output', position, item)),
  ];
  const json = JSON.stringify(response.response);
  let bytes = RESPONSE_OVERHEAD_BYTES + Buffer.byteLength(json, 'utf8');
  for (const item of items) bytes += ITEM_OVERHEAD_BYTES + Buffer.byteLength(item.item, 'utf8');
  return {
    id: response.id,
    accountId: response.accountId,
    createdAt: new Date(response.createdAt * 1000).toISOString(),
    previousResponseId: response.previousResponseId,
    bytes,
    response: json,
    items,
  };
}

/** What items weigh against the cap, as {@link encode} counts them. */
function itemsBytes(items: readonly ConversationItem[]): number {
  let bytes = 0;
  for (const item of items) bytes += ITEM_OVERHEAD_BYTES + Buffer.byteLength(JSON.stringify(item), 'utf8');
  return bytes;
}

function encodeItem(direction: StoredItemRow['direction'], position: number, item: ConversationItem): StoredItemRow {
  return { direction, position, itemId: typeof item.id === 'string' ? item.id : null, item: JSON.stringify(item) };
}

function decode(row: StoredResponseRow): StoredResponse {
  const input: ConversationItem[] = [];
  const output: ConversationItem[] = [];
  for (const item of row.items) (item.direction === 'input' ? input : output).push(parseItem(item.item));
  return {
    id: row.id,
    accountId: row.accountId,
    createdAt: Math.floor(Date.parse(row.createdAt) / 1000),
    previousResponseId: row.previousResponseId,
    input,
    output,
    response: parseObject(row.response),
  };
}

function parseItem(json: string): ConversationItem {
  const value = parseObject(json);
  if (typeof value.type !== 'string') throw new Error('stored response item without a type');
  return value as ConversationItem;
}

function parseObject(json: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('stored response JSON is not an object');
  return value as Record<string, unknown>;
}
