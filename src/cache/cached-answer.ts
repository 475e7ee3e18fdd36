/**
 * @module What a cache entry holds, and its JSON: a chat answer is the canonical completion as the client was sent
 * it (settled usage, `cost_usd` the original price; Claude's own body under `native` when it answered through the
 * Messages door), embeddings are the vectors as base64 float32 with their settled usage; both name the model and
 * provider that answered and whether the account's own provider key paid. A front door encodes a hit from this as it
 * encodes a fresh answer, so each door's format is right.
 *
 * Only complete answers are stored: every choice finished with `stop` or `tool_calls` (an answer cut by
 * `max_tokens`, filtered, failed or cut off mid-stream is not). Entries read back are checked before use: a value
 * that does not parse as this version's shape (written by another version, or damaged) is a miss.
 */
import type { ChatCompletion, Usage } from '../core/chat-response.js';
import { isRecord } from '../core/guards.js';
import { decodeFloat32Base64, encodeFloat32Base64 } from '../core/vectors.js';

/** Who answered the request that filled the entry; a hit reports (and the ledger records) the same. */
export interface AnsweredBy {
  /** The catalog model id. */
  model: string;
  /** The provider id. */
  provider: string;
  /** The account's own provider key (BYOK) was used. */
  byok: boolean;
}

/** A cached chat answer. */
export interface CachedChat extends AnsweredBy {
  completion: ChatCompletion;
}

/** A cached embeddings answer. */
export interface CachedEmbeddings extends AnsweredBy {
  vectors: Float32Array[];
  usage: Usage;
}

/** Whether `completion` may be cached: it has choices and each one finished naturally or with tool calls. */
export function isCompleteAnswer(completion: ChatCompletion): boolean {
  return (
    completion.choices.length > 0 && completion.choices.every((choice) => choice.finish_reason === 'stop' || choice.finish_reason === 'tool_calls')
  );
}

/** The entry's JSON. */
export function serializeChat(entry: CachedChat): string {
  return JSON.stringify({ kind: 'chat', ...entry });
}

/** The entry's JSON, vectors as base64 float32 (a third of the size of JSON numbers, and exact). */
export function serializeEmbeddings(entry: CachedEmbeddings): string {
  const { vectors, ...rest } = entry;
  return JSON.stringify({ kind: 'embeddings', ...rest, vectors: vectors.map(encodeFloat32Base64) });
}

/** A chat entry from its JSON, or undefined when the value is not one. */
export function parseChat(text: string): CachedChat | undefined {
  const value = parseRecord(text);
  if (value?.kind !== 'chat' || !isAnsweredBy(value)) return undefined;
  const completion = value.completion;
  if (!isRecord(completion) || !Array.isArray(completion.choices) || !isUsage(completion.usage)) return undefined;
  if (typeof completion.model !== 'string' || !completion.choices.every(isChoice)) return undefined;
  return { model: value.model, provider: value.provider, byok: value.byok, completion: completion as unknown as ChatCompletion };
}

/** An embeddings entry from its JSON, or undefined when the value is not one. */
export function parseEmbeddings(text: string): CachedEmbeddings | undefined {
  const value = parseRecord(text);
  if (value?.kind !== 'embeddings' || !isAnsweredBy(value) || !isUsage(value.usage)) return undefined;
  if (!Array.isArray(value.vectors)) return undefined;
  const vectors: Float32Array[] = [];
  for (const text of value.vectors) {
    const vector = typeof text === 'string' ? decodeFloat32Base64(text) : undefined;
    if (vector === undefined) return undefined;
    vectors.push(vector);
  }
  return { model: value.model, provider: value.provider, byok: value.byok, usage: value.usage, vectors };
}

function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isAnsweredBy(value: Record<string, unknown>): value is Record<string, unknown> & AnsweredBy {
  return typeof value.model === 'string' && typeof value.provider === 'string' && typeof value.byok === 'boolean';
}

function isChoice(value: unknown): boolean {
  return isRecord(value) && typeof value.index === 'number' && isRecord(value.message) && typeof value.finish_reason === 'string';
}

function isUsage(value: unknown): value is Usage {
  return (
    isRecord(value) &&
    typeof value.prompt_tokens === 'number' &&
    typeof value.completion_tokens === 'number' &&
    typeof value.total_tokens === 'number' &&
    (value.cost_usd === undefined || typeof value.cost_usd === 'number')
  );
}
