/**
 * @module A completed answer as Anthropic's Message object. When Claude answered (the adapter attaches the upstream's
 * body as `native`), that body is sent as it came, with our `msg_…` id, the catalog id as `model` and the settled
 * usage plus `cost_usd`. Otherwise the Message is built from the canonical completion: thinking blocks (Claude's
 * signed reasoning details, else the reasoning text with an empty signature), text, the refusal as text, tool calls
 * as `tool_use` blocks with their parsed input; the finish reason as `stop_reason`.
 *
 * `stop_sequence` stays null for a translated answer: OpenAI-format and Gemini upstreams report a stop sequence as an
 * ordinary stop, without saying which matched, so it is `end_turn`.
 * @see https://platform.claude.com/docs/en/api/messages#response
 */
import { isRecord } from '../../core/guards.js';
import type { ChatCompletion, FinishReason } from '../../core/chat-response.js';
import { toAnthropicUsage, withSettledUsage } from './usage.js';

/** Anthropic's stop reasons the door reports for a translated answer. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/** A response content block the door builds. */
export type AnthropicContentBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** How one request's answers are stamped. */
export interface MessageStamp {
  /** Our `msg_…` id for this answer. */
  id: string;
  /** `thinking.display` was `omitted`: no thinking text for a translated answer. */
  omitThinking: boolean;
}

/** @see https://platform.claude.com/docs/en/api/messages#response-stop-reason */
export function toAnthropicStopReason(reason: FinishReason | null): AnthropicStopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'stop':
    case null:
      return 'end_turn';
    default:
      reason satisfies never;
      return 'end_turn';
  }
}

/** The Message body for a settled completion. */
export function encodeMessage(completion: ChatCompletion, stamp: MessageStamp): Record<string, unknown> {
  const native = 'native' in completion ? completion.native : undefined;
  if (isRecord(native)) {
    return { ...native, id: stamp.id, model: completion.model, usage: withSettledUsage(native.usage, completion.usage) };
  }
  const choice = completion.choices[0];
  return {
    id: stamp.id,
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content: choice === undefined ? [] : contentBlocks(choice.message, stamp.omitThinking),
    stop_reason: toAnthropicStopReason(choice?.finish_reason ?? null),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}

function contentBlocks(message: ChatCompletion['choices'][number]['message'], omitThinking: boolean): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = omitThinking ? [] : thinkingBlocks(message);
  if (message.content) blocks.push({ type: 'text', text: message.content });
  if (message.refusal) blocks.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  return blocks;
}

/** Claude's own thinking (signed, from `reasoning_details`), else the reasoning text unsigned. */
function thinkingBlocks(message: ChatCompletion['choices'][number]['message']): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  for (const detail of message.reasoning_details ?? []) {
    if (detail.format !== 'anthropic') continue;
    if (detail.type === 'reasoning.text') blocks.push({ type: 'thinking', thinking: detail.text, signature: detail.signature ?? '' });
    else blocks.push({ type: 'redacted_thinking', data: detail.data });
  }
  if (blocks.length === 0 && message.reasoning_content) blocks.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  return blocks;
}

/** A tool call's JSON arguments as `input`, which is always an object (empty when the arguments are not one). */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
