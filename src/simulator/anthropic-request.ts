/**
 * @module Validation of Anthropic Messages requests into a SimCall: `max_tokens` required, content blocks (text,
 * images, `tool_use`, `tool_result`, with the pairing Anthropic enforces), tools and structured output
 * (`output_config.format`).
 * @see https://docs.anthropic.com/en/api/messages
 */

import { createHash } from 'node:crypto';
import { invalid } from './anthropic-errors.js';
import { readCachedPrompt, type CachedPrompt } from './anthropic-prompt-cache.js';
import { checkThinkingBlock, checkToolLoopThinking, readThinking } from './anthropic-thinking.js';
import { readAnthropicTools } from './anthropic-tools.js';
import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from '../core/guards.js';
import type { PromptCachePrefix } from './prompt-cache.js';
import { estimatePromptTokens, estimateTextTokens } from './text.js';
import type { ToolPlan } from './tool-calls.js';
import type { HttpReply, SimCall } from './wire-format.js';

/**
 * Prompt tokens per image. Anthropic bills about width × height / 750 (≈ 1600 for a 1092×1092 image); the
 * simulator never decodes images and charges a flat 765, the figure it uses for OpenAI too.
 */
export const ANTHROPIC_IMAGE_TOKENS = 765;

const IMAGE_MEDIA_TYPES: ReadonlySet<unknown> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** A `tool_result` block: the call it answers, where it sits, and its text. */
interface ToolResultBlock {
  id: string;
  at: number;
  text: string;
}

/** What one message's content holds. */
interface ContentScan {
  text: string;
  toolUseIds: string[] | undefined;
  toolResults: ToolResultBlock[] | undefined;
}

/** Checks an image block's source (`base64` with a supported media type, `url`, or `file`). */
function checkImage(block: Record<string, unknown>, where: string): HttpReply | undefined {
  const { source } = block;
  if (!isRecord(source)) return invalid(`${where}.image.source: Field required`);
  switch (source.type) {
    case 'base64':
      if (!IMAGE_MEDIA_TYPES.has(source.media_type)) {
        return invalid(`${where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
      }
      return typeof source.data === 'string' ? undefined : invalid(`${where}.image.source.base64.data: Field required`);
    case 'url':
      return typeof source.url === 'string' && /^https?:\/\//i.test(source.url)
        ? undefined
        : invalid(`${where}.image.source.url.url: Input should be an http(s) URL`);
    case 'file':
      return typeof source.file_id === 'string' ? undefined : invalid(`${where}.image.source.file.file_id: Field required`);
    default:
      return invalid(
        `${where}.image.source: Input tag '${String(source.type)}' found using 'type' does not match any of the ` +
          "expected tags: 'base64', 'url', 'file'",
      );
  }
}

/** Text of a `tool_result`'s content (string or blocks); images inside it are checked and counted. */
function toolResultText(content: unknown, where: string, images: { count: number }): string | HttpReply {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const [index, block] of content.entries()) {
    if (!isRecord(block)) continue;
    if (block.type === 'image') {
      const problem = checkImage(block, `${where}.${index}`);
      if (problem !== undefined) return problem;
      images.count++;
    } else if (typeof block.text === 'string') texts.push(block.text);
  }
  return texts.join(' ');
}

/**
 * Reads a string or block array: text for the token count (tool blocks by their JSON), images, tool ids. Thinking
 * blocks must carry the signature the simulator gave them (their text is not counted: the API drops earlier turns'
 * thinking from the context).
 */
function scanContent(content: unknown, where: string, images: { count: number }): ContentScan | HttpReply {
  const scan: ContentScan = { text: '', toolUseIds: undefined, toolResults: undefined };
  if (typeof content === 'string') scan.text = content;
  if (!Array.isArray(content)) return scan;
  const add = (value: string): void => {
    scan.text += (scan.text.length > 0 ? '\n' : '') + value;
  };
  for (const [index, block] of content.entries()) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') add(block.text);
    else if (block.type === 'thinking') {
      const problem = checkThinkingBlock(block, `${where}.${index}`);
      if (problem !== undefined) return problem;
    } else if (block.type === 'image') {
      const problem = checkImage(block, `${where}.${index}`);
      if (problem !== undefined) return problem;
      images.count++;
    } else if (block.type === 'tool_use') {
      add(JSON.stringify(block.input) ?? '');
      if (typeof block.id === 'string') {
        scan.toolUseIds ??= [];
        scan.toolUseIds.push(block.id);
      }
    } else if (block.type === 'tool_result') {
      add(JSON.stringify(block.content) ?? '');
      const text = toolResultText(block.content, `${where}.${index}.content`, images);
      if (typeof text !== 'string') return text;
      const id = typeof block.tool_use_id === 'string' ? block.tool_use_id : '';
      scan.toolResults ??= [];
      scan.toolResults.push({ id, at: index, text });
    }
  }
  return scan;
}

function missingResults(at: number, pending: Set<string>): HttpReply {
  return invalid(
    `messages.${at}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
      `${[...pending].join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the ` +
      'next message.',
  );
}

/** What the messages say, once read. */
interface MessagesScan {
  texts: string[];
  lastUserText: string;
  lastTurnImages: number;
  images: number;
  toolResult: string | undefined;
  /** Where the last assistant message is, and the type of its first block (`text` for string content). */
  lastAssistant: { index: number; firstBlock: unknown } | undefined;
}

/**
 * Reads every message, enforcing Anthropic's pairing: the `tool_use` ids of an assistant turn are each answered
 * by a `tool_result` in the user turn right after it (consecutive user messages count as one turn, as the API
 * merges them), and no `tool_result` answers anything else.
 */
function scanMessages(messages: unknown[], texts: string[]): MessagesScan | HttpReply {
  const images = { count: 0 };
  const result: MessagesScan = { texts, lastUserText: '', lastTurnImages: 0, images: 0, toolResult: undefined, lastAssistant: undefined };
  let expected: Set<string> | undefined;
  let pending: Set<string> | undefined;
  let pendingAt = -1;
  let lastRole = '';
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system')) {
      return invalid(`messages.${index}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    const before = images.count;
    const scan = scanContent(message.content, `messages.${index}.content`, images);
    if ('status' in scan) return scan;
    texts.push(scan.text);
    // A mid-conversation system turn is system text: it takes no part in turn pairing.
    if (message.role === 'system') continue;
    const sameTurn = lastRole === message.role;
    lastRole = message.role;
    if (message.role === 'assistant') {
      if (pending !== undefined && pending.size > 0) return missingResults(pendingAt, pending);
      const first: unknown = Array.isArray(message.content) ? message.content[0] : undefined;
      result.lastAssistant = { index, firstBlock: isRecord(first) ? first.type : 'text' };
      expected = scan.toolUseIds === undefined ? undefined : new Set(scan.toolUseIds);
      pending = expected === undefined ? undefined : new Set(expected);
      pendingAt = index;
      continue;
    }
    for (const block of scan.toolResults ?? []) {
      if (expected?.has(block.id) !== true) {
        return invalid(
          `messages.${index}.content.${block.at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.id}. ` +
            'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
        );
      }
      pending?.delete(block.id);
    }
    result.lastUserText = scan.text;
    result.lastTurnImages = (sameTurn ? result.lastTurnImages : 0) + images.count - before;
    const toolResult = scan.toolResults?.map((block) => block.text).join(' ');
    const earlier = sameTurn ? result.toolResult : undefined;
    result.toolResult = earlier === undefined || toolResult === undefined ? (earlier ?? toolResult) : `${earlier} ${toolResult}`;
  }
  if (lastRole === 'user' && pending !== undefined && pending.size > 0) return missingResults(pendingAt, pending);
  if (lastRole !== 'user') result.toolResult = undefined;
  result.images = images.count;
  return result;
}

/** Structured output: `output_config.format` (or the older top-level `output_format`) of type `json_schema`. */
function readOutputFormat(body: Record<string, unknown>): { schema: unknown } | undefined | HttpReply {
  const format = isRecord(body.output_config) ? body.output_config.format : body.output_format;
  if (isAbsent(format)) return undefined;
  if (!isRecord(format) || format.type !== 'json_schema') {
    return invalid("output_config.format.type: Input should be 'json_schema'");
  }
  if (!isRecord(format.schema)) return invalid('output_config.format.schema: Field required');
  return { schema: format.schema };
}

/** The prompt of a Messages body (system, messages, tools), as `/v1/messages` and `count_tokens` both read it. */
interface AnthropicPrompt {
  model: string;
  messages: MessagesScan;
  tools: ToolPlan;
  /** The simulator's count of the whole prompt (see README: Prompt tokens). */
  promptTokens: number;
}

/** Reads the model, system, messages and tools, or answers the 400 Anthropic would. */
function readAnthropicPrompt(body: Record<string, unknown>): AnthropicPrompt | HttpReply {
  if (typeof body.model !== 'string' || body.model.length === 0) return invalid('model: Field required');
  const messages = body.messages;
  if (!Array.isArray(messages)) return invalid('messages: Field required');
  if (messages.length === 0) return invalid('messages: at least one message is required');
  const texts: string[] = [];
  if (!isAbsent(body.system)) {
    const system = scanContent(body.system, 'system', { count: 0 });
    texts.push('status' in system ? '' : system.text);
  }
  const scan = scanMessages(messages, texts);
  if ('status' in scan) return scan;
  const tools = readAnthropicTools(body, scan.toolResult !== undefined);
  if ('status' in tools) return tools;
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  const promptTokens = estimatePromptTokens(scan.texts) + toolTokens + scan.images * ANTHROPIC_IMAGE_TOKENS;
  return { model: body.model, messages: scan, tools, promptTokens };
}

/** The simulator's count of a prompt cut at its last cache breakpoint, counted as a whole prompt is. */
function countCachedPrompt(cached: CachedPrompt): number {
  const images = { count: 0 };
  const texts: string[] = [];
  const textOf = (scan: ContentScan | HttpReply): string => ('status' in scan ? '' : scan.text);
  if (!isAbsent(cached.system)) texts.push(textOf(scanContent(cached.system, 'system', images)));
  for (const message of cached.messages) texts.push(textOf(scanContent(isRecord(message) ? message.content : undefined, 'messages', images)));
  const toolTokens = cached.tools.length > 0 ? estimateTextTokens(JSON.stringify(cached.tools)) : 0;
  return estimatePromptTokens(texts) + toolTokens + images.count * ANTHROPIC_IMAGE_TOKENS;
}

/** The prefix the request's `cache_control` breakpoints mark (see `anthropic-prompt-cache.ts`), keyed with the model. */
function readPromptCache(body: Record<string, unknown>, prompt: AnthropicPrompt): PromptCachePrefix | undefined | HttpReply {
  const cached = readCachedPrompt(body);
  if (cached === undefined || 'status' in cached) return cached;
  const key = createHash('sha256')
    .update(JSON.stringify([prompt.model, cached.tools, cached.system ?? null, cached.messages]))
    .digest('base64');
  return { key, tokens: Math.min(countCachedPrompt(cached), prompt.promptTokens), ttl: cached.ttl };
}

/** Validates a Messages body into a call, or answers the 400 Anthropic would. */
export function parseAnthropicRequest(body: unknown): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  if (body.max_tokens === undefined) return invalid('max_tokens: Field required');
  if (!isIntegerAtLeast(body.max_tokens, 1)) return invalid('max_tokens: Input should be a valid integer ≥ 1');
  if (!isAbsent(body.stop_sequences) && !isStringArray(body.stop_sequences)) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  if (!isAbsent(body.stream) && typeof body.stream !== 'boolean') return invalid('stream: Input should be a valid boolean');
  const prompt = readAnthropicPrompt(body);
  if ('status' in prompt) return prompt;
  const jsonOutput = readOutputFormat(body);
  if (jsonOutput !== undefined && 'status' in jsonOutput) return jsonOutput;
  const thinkingTokens = readThinking(body, body.max_tokens);
  if (typeof thinkingTokens === 'object') return thinkingTokens;
  if (thinkingTokens !== undefined && prompt.messages.toolResult !== undefined) {
    const problem = checkToolLoopThinking(prompt.messages.lastAssistant);
    if (problem !== undefined) return problem;
  }
  const promptCache = readPromptCache(body, prompt);
  if (promptCache !== undefined && 'status' in promptCache) return promptCache;
  const scan = prompt.messages;
  const call: SimCall = {
    model: prompt.model,
    stream: body.stream === true,
    includeUsage: true,
    jsonArrayStream: false,
    promptTokens: prompt.promptTokens,
    lastUserText: scan.lastUserText,
    maxTokens: body.max_tokens,
    stopSequences: isStringArray(body.stop_sequences) ? body.stop_sequences : [],
    promptImages: scan.images,
    lastTurnImages: scan.lastTurnImages,
    candidates: 1,
    callableTools: prompt.tools.callable,
    maxParallelCalls: prompt.tools.maxParallelCalls,
    toolResult: scan.toolResult,
    jsonOutput,
  };
  if (thinkingTokens !== undefined) call.thinkingTokens = thinkingTokens;
  if (promptCache !== undefined) call.promptCache = promptCache;
  return call;
}

/**
 * Validates a `count_tokens` body (a Messages body without `max_tokens`) into its model and prompt count, or answers
 * the 400 Anthropic would. The count is the one `/v1/messages` reports as its prompt, cache or not.
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export function parseAnthropicCountTokens(body: unknown): { model: string; inputTokens: number } | HttpReply {
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  const prompt = readAnthropicPrompt(body);
  return 'status' in prompt ? prompt : { model: prompt.model, inputTokens: prompt.promptTokens };
}
