/**
 * @module The items a Responses turn sends the model: the stored conversation `previous_response_id` continues
 * (loaded whole from the store, oldest turn first), then this turn's input with its `item_reference`s replaced by
 * the stored items they name. Everything comes back in the normal form (`conversation-items.ts`), placed for
 * error messages. Another account's, an unknown, an expired and a deleted response all get OpenAI's one answer.
 * @see https://platform.openai.com/docs/guides/conversation-state#openai-apis-for-conversation-state
 */
import type { ResponseStore } from '../../conversation/index.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import { isItemReference, normalizeItem, storedItems, type ResponseItem } from './conversation-items.js';
import type { InputItem } from './request-schema.js';
import type { PlacedItem } from './to-chat-messages.js';

/** What the turn's conversation is made of. */
export interface TurnInput {
  /** The stored conversation, then this turn's items. */
  conversation: PlacedItem[];
  /** This turn's input items alone, normalised (what the store keeps as the turn's input). */
  input: ResponseItem[];
}

/** The store reads a turn needs. */
export type ConversationReader = Pick<ResponseStore, 'history' | 'items'>;

/** Loads and normalises a turn's conversation for `accountId`; a 400 naming the parameter for what cannot be found. */
export async function loadTurnInput(
  store: ConversationReader,
  accountId: string,
  input: string | readonly InputItem[],
  previousResponseId: string | null | undefined,
): Promise<TurnInput> {
  const history = typeof previousResponseId === 'string' ? await loadHistory(store, accountId, previousResponseId) : [];
  const items: InputItem[] = typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : [...input];
  const referenced = await resolveReferences(store, accountId, items);
  const own = items.map((item, index) => referenced.get(index) ?? normalizeItem(item, `input[${index}]`));
  return { conversation: [...history, ...own.map((item, index) => ({ item, param: `input[${index}]` }))], input: own };
}

async function loadHistory(store: ConversationReader, accountId: string, id: string): Promise<PlacedItem[]> {
  const items = await store.history(accountId, id);
  if (items === undefined) {
    throw new GatewayError(400, 'previous_response_not_found', `Previous response with id '${id}' not found.`, { param: 'previous_response_id' });
  }
  return storedItems(items).map((item) => ({ item, param: 'previous_response_id' }));
}

/**
 * The stored items the references name, by input index. An id may be referenced once per request: every
 * reference then expands into a different stored item, so the expanded request is bounded by the account's cap.
 */
async function resolveReferences(store: ConversationReader, accountId: string, items: readonly InputItem[]): Promise<Map<number, ResponseItem>> {
  const wanted = new Map<string, number>();
  items.forEach((item, index) => {
    if (!isItemReference(item)) return;
    if (wanted.has(item.id)) throw invalidRequest(`Item '${item.id}' is referenced more than once.`, `input[${index}].id`);
    wanted.set(item.id, index);
  });
  const resolved = new Map<number, ResponseItem>();
  if (wanted.size === 0) return resolved;
  const found = await store.items(accountId, [...wanted.keys()]);
  for (const [id, index] of wanted) {
    const item = found.get(id);
    if (item === undefined) throw invalidRequest(`Item with id '${id}' not found.`, `input[${index}].id`);
    const [normal] = storedItems([item]);
    if (normal !== undefined) resolved.set(index, normal);
  }
  return resolved;
}
