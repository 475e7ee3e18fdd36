/**
 * @module OpenAI `messages` → Anthropic top-level `system` + alternating `messages` turns.
 * @see https://platform.claude.com/docs/en/api/messages#body-messages
 * @see https://platform.claude.com/docs/en/api/openai-sdk#system--developer-message-hoisting
 */
import { contentText, type ChatMessage, type ToolCallParam, type UserContentPart } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { isRecord } from '../../core/guards.js';
import { parseJsonSafe } from '../shared/upstream-error.js';
import { escapeAnthropicToolName } from './json-output.js';
import { anthropicReasoningBlocks, type AnthropicReasoningBlockParam } from './reasoning-details.js';

/** The image types Anthropic accepts inline. */
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type AnthropicImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export type AnthropicTextBlockParam = { type: 'text'; text: string };
export type AnthropicImageBlockParam = {
  type: 'image';
  source: { type: 'base64'; media_type: AnthropicImageMediaType; data: string } | { type: 'url'; url: string };
};
export type AnthropicToolUseBlockParam = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
export type AnthropicToolResultBlockParam = { type: 'tool_result'; tool_use_id: string; content?: string };
export type AnthropicBlockParam =
  | AnthropicTextBlockParam
  | AnthropicImageBlockParam
  | AnthropicToolUseBlockParam
  | AnthropicToolResultBlockParam
  | AnthropicReasoningBlockParam;
/** One Anthropic turn; content is always a block list so that same-role turns can be merged. */
export type AnthropicMessageParam = { role: 'user' | 'assistant'; content: AnthropicBlockParam[] };

export interface ConvertedMessages {
  /** System and developer texts joined by a blank line; undefined when there are none. */
  system: string | undefined;
  messages: AnthropicMessageParam[];
  /** Features that were dropped, e.g. `messages[].name`. */
  warnings: string[];
}

type AssistantContent = Extract<ChatMessage, { role: 'assistant' }>['content'];

function textBlock(text: string): AnthropicTextBlockParam[] {
  return text === '' ? [] : [{ type: 'text', text }];
}

function isImageMediaType(value: string): value is AnthropicImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(value);
}

/**
 * A `data:<type>;base64,<data>` URL becomes a base64 source, an http(s) URL a url source; `detail` has no
 * equivalent. Anything else is a 400 naming the part.
 * @see https://platform.claude.com/docs/en/build-with-claude/vision
 */
function imageBlock(url: string, param: string): AnthropicImageBlockParam {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const comma = url.indexOf(',');
  const header = comma === -1 ? '' : url.slice(0, comma);
  const match = /^data:([^;]+);base64$/i.exec(header);
  const mediaType = match?.[1]?.toLowerCase();
  if (mediaType === undefined) throw invalidRequest('Image URLs must be http(s) URLs or base64 data: URLs.', param);
  if (!isImageMediaType(mediaType)) {
    throw invalidRequest(`Image type ${mediaType} is not supported; use ${IMAGE_MEDIA_TYPES.join(', ')}.`, param);
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: url.slice(comma + 1) } };
}

function userPartBlocks(part: UserContentPart, param: string): AnthropicBlockParam[] {
  switch (part.type) {
    case 'text':
      return textBlock(part.text);
    case 'image_url':
      return [imageBlock(part.image_url.url, `${param}.image_url.url`)];
    case 'input_audio':
      throw invalidRequest('Audio input is not supported by Anthropic models.', param);
    case 'file':
      throw invalidRequest('File input is not supported by this gateway for Anthropic models.', param);
    default: {
      const unreachable: never = part;
      return unreachable;
    }
  }
}

function userBlocks(content: string | UserContentPart[], index: number): AnthropicBlockParam[] {
  if (typeof content === 'string') return textBlock(content);
  return content.flatMap((part, j) => userPartBlocks(part, `messages[${index}].content[${j}]`));
}

/** Assistant text; refusal parts are kept as text, since they are what the assistant said. */
function assistantTextBlocks(content: AssistantContent): AnthropicBlockParam[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return textBlock(content);
  return content.flatMap((part) => textBlock(part.type === 'text' ? part.text : part.refusal));
}

/**
 * A tool call's JSON arguments become the `input` object, and its name is escaped as in the tool list. Empty
 * arguments (some clients send `""` for tools without parameters) mean `{}`; anything else that is not a JSON object
 * is a 400 naming the call.
 */
function toolUseBlock(call: ToolCallParam, param: string): AnthropicToolUseBlockParam {
  const input = call.function.arguments.trim() === '' ? {} : parseJsonSafe(call.function.arguments);
  if (!isRecord(input)) throw invalidRequest('Tool call arguments must be a JSON object.', param);
  return { type: 'tool_use', id: call.id, name: escapeAnthropicToolName(call.function.name), input };
}

/** The turn's own thinking first (replayed from `reasoning_details`, see `reasoning-details.ts`), then text and tool calls. */
function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, index: number): AnthropicBlockParam[] {
  const blocks: AnthropicBlockParam[] = [...anthropicReasoningBlocks(message.reasoning_details), ...assistantTextBlocks(message.content)];
  (message.tool_calls ?? []).forEach((call, j) => {
    blocks.push(toolUseBlock(call, `messages[${index}].tool_calls[${j}].function.arguments`));
  });
  return blocks;
}

/** Appends blocks to the conversation, merging them into the previous turn when it has the same role. */
function appendTurn(turns: AnthropicMessageParam[], role: AnthropicMessageParam['role'], blocks: AnthropicBlockParam[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/**
 * Converts the conversation. System and developer messages, wherever they sit, are hoisted into `system`. Tool
 * results go in user turns as `tool_result` blocks. Consecutive same-role turns (several tool results, or tool
 * results then user text) are merged into one turn. Empty text is left out, as Anthropic rejects empty text
 * blocks; message `name`s have no equivalent and are dropped with a warning.
 */
export function convertToAnthropicMessages(messages: ChatMessage[]): ConvertedMessages {
  const systemTexts: string[] = [];
  const turns: AnthropicMessageParam[] = [];
  let droppedName = false;
  for (const [i, message] of messages.entries()) {
    if ('name' in message && message.name !== undefined) droppedName = true;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') systemTexts.push(text);
        break;
      }
      case 'user':
        appendTurn(turns, 'user', userBlocks(message.content, i));
        break;
      case 'assistant':
        appendTurn(turns, 'assistant', assistantBlocks(message, i));
        break;
      case 'tool': {
        const content = contentText(message.content);
        const result: AnthropicToolResultBlockParam = { type: 'tool_result', tool_use_id: message.tool_call_id };
        appendTurn(turns, 'user', [content === '' ? result : { ...result, content }]);
        break;
      }
      default:
        message satisfies never;
    }
  }
  return {
    system: systemTexts.length > 0 ? systemTexts.join('\n\n') : undefined,
    messages: turns,
    warnings: droppedName ? ['messages[].name'] : [],
  };
}
