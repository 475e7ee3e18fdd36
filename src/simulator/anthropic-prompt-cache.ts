/**
 * @module Anthropic prompt caching in the simulator: the prefix a request's `cache_control` breakpoints mark.
 * Anthropic caches the prompt in the order tools → system → messages, up to and including the last block that
 * carries `cache_control`; a later request with the same prefix (and model) reads it instead of paying for it again.
 * The simulator keeps no minimum length (the real API ignores breakpoints under 1,024–4,096 tokens, by model), and
 * the lifetime of the whole prefix is that of its last breakpoint (`ttl: "1h"`, else five minutes).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */

import { invalid } from './anthropic-errors.js';
import { isRecord } from '../core/guards.js';
import type { HttpReply } from './wire-format.js';

/** Anthropic's limit on breakpoints per request. */
const MAX_BREAKPOINTS = 4;

/** The prompt cut just after its last breakpoint, in the cache's order. */
export interface CachedPrompt {
  tools: unknown[];
  system: unknown;
  messages: unknown[];
  ttl: '5m' | '1h';
}

function isMarked(block: unknown): block is Record<string, unknown> {
  return isRecord(block) && isRecord(block.cache_control);
}

function ttlOf(block: Record<string, unknown>): '5m' | '1h' {
  return isRecord(block.cache_control) && block.cache_control.ttl === '1h' ? '1h' : '5m';
}

function blocksOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function contentOf(message: unknown): unknown[] {
  return isRecord(message) ? blocksOf(message.content) : [];
}

/** The last message breakpoint: the messages before it, and its own message cut after the marked block. */
function cutMessages(messages: unknown[]): { messages: unknown[]; ttl: '5m' | '1h' } | undefined {
  for (let m = messages.length - 1; m >= 0; m--) {
    const message = messages[m];
    const content = contentOf(message);
    const at = content.findLastIndex(isMarked);
    const marked = content[at];
    if (isRecord(message) && isMarked(marked)) {
      return { messages: [...messages.slice(0, m), { ...message, content: content.slice(0, at + 1) }], ttl: ttlOf(marked) };
    }
  }
  return undefined;
}

/**
 * The cached part of a (validated) Messages body, `undefined` when no block carries `cache_control`, or the API's
 * 400 for more than four breakpoints.
 */
export function readCachedPrompt(body: Record<string, unknown>): CachedPrompt | undefined | HttpReply {
  const tools = blocksOf(body.tools);
  const system = blocksOf(body.system);
  const messages = blocksOf(body.messages);
  const breakpoints = [...tools, ...system, ...messages.flatMap(contentOf)].filter(isMarked).length;
  if (breakpoints === 0) return undefined;
  if (breakpoints > MAX_BREAKPOINTS) {
    return invalid(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
  }
  const inMessages = cutMessages(messages);
  if (inMessages !== undefined) return { tools, system: body.system, ...inMessages };
  const inSystem = system.findLastIndex(isMarked);
  const systemMark = system[inSystem];
  if (isMarked(systemMark)) return { tools, system: system.slice(0, inSystem + 1), messages: [], ttl: ttlOf(systemMark) };
  const inTools = tools.findLastIndex(isMarked);
  const toolMark = tools[inTools];
  return isMarked(toolMark) ? { tools: tools.slice(0, inTools + 1), system: undefined, messages: [], ttl: ttlOf(toolMark) } : undefined;
}
