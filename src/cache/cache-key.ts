/**
 * @module The response cache's keys: a SHA-256 over the request as its front door built it, the door's endpoint and
 * the account, so an entry is only ever found again by the same account asking the same thing through the same API.
 *
 * What is hashed is the canonical request (the expanded conversation of a Responses turn, the body a Messages client
 * sent to Claude), not the bytes on the wire: so an `auto` request hits whatever model answered it first, and the
 * same turn continued from a stored response hits like the one that spelled its history out. Left out are what does
 * not change the answer: `stream` and `stream_options` (a cached answer replays as JSON or as a stream, as asked)
 * and the cache's own settings. Object keys are sorted, so two SDKs that order fields differently still match.
 */
import { createHash } from 'node:crypto';
import { NATIVE_BODY, type CanonicalChatRequest } from '../core/chat-request.js';
import type { EmbeddingRequest } from '../core/embedding-request.js';

/** Whose entry it is and which API it answers: part of every key. */
export interface CacheScope {
  accountId: string;
  /** The front door's endpoint (`chat.completions`, `responses`, `messages`, `embeddings`). */
  endpoint: string;
}

/** Bumped when what a key covers, or the shape of an entry, changes: older entries are then never read. */
const KEY_VERSION = 'v1';

/** Request fields that never change the answer. */
const CHAT_FIELDS_LEFT_OUT = new Set(['stream', 'stream_options', 'cache']);

/** The key of a chat request (any chat door), as 64 hex digits. */
export function chatCacheKey(scope: CacheScope, request: CanonicalChatRequest): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (!CHAT_FIELDS_LEFT_OUT.has(name)) fields[name] = value;
  }
  const native = request[NATIVE_BODY];
  if (native === undefined) return digest(scope, { request: fields });
  const { stream: _stream, ...body } = native.body;
  return digest(scope, { request: fields, native: { format: native.format, body, betas: [...native.betas].sort() } });
}

/** The key of an embeddings request: the model, the inputs, the size asked for and `user`, not the encoding. */
export function embeddingCacheKey(scope: CacheScope, request: EmbeddingRequest): string {
  return digest(scope, { model: request.model, input: request.input, dimensions: request.dimensions, user: request.user });
}

function digest(scope: CacheScope, fields: unknown): string {
  return createHash('sha256').update(`${KEY_VERSION}\n${scope.endpoint}\n${scope.accountId}\n`).update(stableJson(fields)).digest('hex');
}

/**
 * JSON with every object's keys in sorted order; `undefined` members are left out, as `JSON.stringify` does. Bodies
 * are JSON already (bounded in size and depth by the server), so there are no cycles or exotic values here.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const member = record[name];
    if (member !== undefined) members.push(`${JSON.stringify(name)}:${stableJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
