/**
 * @module Messages conversation → canonical (Chat Completions) messages, for routing, admission, token counting and
 * the models that are not Claude:
 * - `system` → a system message; user text, images (base64 → `data:` URLs, URLs as they are), PDFs (file parts
 *   with a `data:` URL), text documents and search results (text) → user content parts;
 * - `tool_result` blocks → tool messages (first, as OpenAI wants them right after the calls), the images they carry
 *   → a user message after them (tool messages hold text only);
 * - assistant text → content, `tool_use` → `tool_calls` (input as JSON arguments), `thinking` / `redacted_thinking`
 *   → `reasoning_details` of format `anthropic` (only Claude can read them back). A thinking block with an empty
 *   signature is one the gateway wrote for a model that is not Claude: it carries nothing to replay.
 * - Server-tool blocks of earlier answers (`server_tool_use`, `web_search_tool_result`, …) are history of a tool
 *   only Claude has: they are left out (kept as text, for measuring, when the model is Claude's alone).
 *   `cache_control` and citations have no equivalent either.
 * A document at a URL cannot be translated (the canonical file part takes inline data only): 400, unless the model
 * is Claude's alone (`nativeOnly`), when it is left out here and goes to Claude in the native body.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { ChatMessage, ReasoningDetail, ToolCallParam, UserContentPart } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { AssistantBlock, Turn, UserBlock } from './check-request.js';
import type { DocumentBlock, ImageBlock, MessagesRequest, TextBlock, ToolResultContentBlock } from './request-schema.js';

type TextPart = { type: 'text'; text: string };

/** The canonical messages of a checked conversation (see the module comment). */
export function toCanonicalMessages(system: MessagesRequest['system'], turns: readonly Turn[], nativeOnly: boolean): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const systemMessage = toSystemMessage(system);
  if (systemMessage !== undefined) messages.push(systemMessage);
  for (const turn of turns) {
    if (turn.role === 'user') messages.push(...userMessages(turn.blocks, turn.at, nativeOnly));
    else if (turn.role === 'system') messages.push({ role: 'system', content: turn.blocks.map(textPart) });
    else {
      const message = assistantMessage(turn.blocks, nativeOnly);
      if (message !== undefined) messages.push(message);
    }
  }
  return messages;
}

function toSystemMessage(system: MessagesRequest['system']): ChatMessage | undefined {
  if (system === undefined || system === '') return undefined;
  if (typeof system === 'string') return { role: 'system', content: system };
  const parts = system.filter((block) => block.text !== '').map(textPart);
  return parts.length === 0 ? undefined : { role: 'system', content: parts };
}

function textPart(block: TextBlock): TextPart {
  return { type: 'text', text: block.text };
}

/** A user turn: its tool results as tool messages, then the rest (and the results' images) as one user message. */
function userMessages(blocks: readonly UserBlock[], at: number, nativeOnly: boolean): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  blocks.forEach((block, j) => {
    const param = `messages[${at}].content[${j}]`;
    if (block.type !== 'tool_result') {
      parts.push(...contentParts(block, param, nativeOnly));
      return;
    }
    const content = typeof block.content === 'string' || block.content === undefined ? [] : block.content;
    const resultParts = content.flatMap((item, k) => contentParts(item, `${param}.content[${k}]`, nativeOnly));
    const texts = resultParts.filter((part): part is TextPart => part.type === 'text');
    const text = typeof block.content === 'string' ? block.content : texts.map((part) => part.text).join('\n');
    tools.push({ role: 'tool', tool_call_id: block.tool_use_id, content: text });
    parts.push(...resultParts.filter((part) => part.type !== 'text'));
  });
  if (parts.length === 0) return tools;
  const [only] = parts;
  return [...tools, { role: 'user', content: parts.length === 1 && only?.type === 'text' ? only.text : parts }];
}

/** The canonical parts of one user block (or of a block inside a tool result or a document). */
function contentParts(block: ToolResultContentBlock | ImageBlock, param: string, nativeOnly: boolean): UserContentPart[] {
  switch (block.type) {
    case 'text':
      return block.text === '' ? [] : [textPart(block)];
    case 'image':
      return imagePart(block);
    case 'document':
      return documentParts(block, param, nativeOnly);
    case 'search_result': {
      const text = [block.title, block.source, ...block.content.map((item) => item.text)].join('\n');
      return [{ type: 'text', text }];
    }
    default:
      block satisfies never;
      return [];
  }
}

function imagePart(block: ImageBlock): UserContentPart[] {
  const { source } = block;
  if (source.type === 'base64') return [{ type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } }];
  if (source.type === 'url') return [{ type: 'image_url', image_url: { url: source.url } }];
  return []; // a `file` source: refused by the cost rule before translation
}

function documentParts(block: DocumentBlock, param: string, nativeOnly: boolean): UserContentPart[] {
  const { source } = block;
  const heading: UserContentPart[] = block.title ? [{ type: 'text', text: block.title }] : [];
  switch (source.type) {
    case 'base64':
      return [{ type: 'file', file: { filename: `${block.title || 'document'}.pdf`, file_data: `data:application/pdf;base64,${source.data}` } }];
    case 'text':
      return [...heading, { type: 'text', text: source.data }];
    case 'content': {
      if (typeof source.content === 'string') return [...heading, { type: 'text', text: source.content }];
      const inner = source.content.flatMap((item, k) => contentParts(item, `${param}.source.content[${k}]`, nativeOnly));
      return [...heading, ...inner];
    }
    case 'url':
      if (nativeOnly) return [];
      throw invalidRequest(
        `\`${param}.source\`: documents at a URL are read by Claude models only; name a Claude model, or send the document inline (base64).`,
        `${param}.source`,
      );
    default:
      return []; // a `file` source: refused by the cost rule before translation
  }
}

/**
 * An assistant turn; undefined when nothing in it can be translated (only server-tool history). For a model that is
 * Claude's alone the canonical request is only routed, admitted and measured, never sent: server-tool history is
 * kept there as text, so the prompt's size (and the spend held for it) covers what Claude will read.
 */
function assistantMessage(blocks: readonly AssistantBlock[], nativeOnly: boolean): ChatMessage | undefined {
  const texts: TextPart[] = [];
  const calls: ToolCallParam[] = [];
  const details: ReasoningDetail[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        if (block.text !== '') texts.push(textPart(block));
        break;
      case 'tool_use':
        calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'thinking':
        if (block.signature !== '') details.push({ type: 'reasoning.text', text: block.thinking, signature: block.signature, format: 'anthropic' });
        break;
      case 'redacted_thinking':
        details.push({ type: 'reasoning.encrypted', data: block.data, format: 'anthropic' });
        break;
      default:
        if (nativeOnly) texts.push({ type: 'text', text: JSON.stringify(block) });
        break; // server-tool history: see the module comment
    }
  }
  if (texts.length === 0 && calls.length === 0 && details.length === 0) return undefined;
  const content = texts.length === 0 ? null : texts.length === 1 ? (texts[0]?.text ?? null) : texts;
  return {
    role: 'assistant',
    content,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
    ...(details.length > 0 ? { reasoning_details: details } : {}),
  };
}
