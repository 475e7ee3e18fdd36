/**
 * @module Anthropic Message → OpenAI chat completion.
 */
import type { AssistantMessage, ReasoningDetail, ToolCall, UpstreamCompletion } from '../../core/chat-response.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { TranslateContext } from '../types.js';
import { mapAnthropicStopReason } from './finish-reason.js';
import { isAnthropicJsonOutputTool, unescapeAnthropicToolName } from './json-output.js';
import { anthropicRedactedDetail, anthropicThinkingDetail } from './reasoning-details.js';
import { parseAnthropicMessage, type AnthropicContentBlock } from './upstream-schema.js';
import { convertAnthropicUsage } from './usage.js';

/**
 * Builds the assistant message from the content blocks: text blocks are concatenated into `content` (null when
 * there are none), `tool_use` blocks become `tool_calls`, and `thinking` blocks go to the non-standard
 * `reasoning_content`, never into `content`, so clients that ignore reasoning see only the answer. Thinking and
 * `redacted_thinking` blocks are also kept whole, signature included, in `reasoning_details`: Claude must get them
 * back unchanged with this turn to go on thinking through a tool loop. The input of the `json_output` tool (the
 * `json_object` emulation) is the answer itself, so it is appended to `content` as JSON.
 * @see https://platform.claude.com/docs/en/api/messages#response-content
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
function toAssistantMessage(blocks: AnthropicContentBlock[]): AssistantMessage {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'thinking':
        thoughts.push(block.thinking);
        details.push(anthropicThinkingDetail(block.thinking, block.signature));
        break;
      case 'redacted_thinking':
        details.push(anthropicRedactedDetail(block.data));
        break;
      case 'tool_use':
        if (isAnthropicJsonOutputTool(block.name)) {
          texts.push(JSON.stringify(block.input));
          break;
        }
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: unescapeAnthropicToolName(block.name), arguments: JSON.stringify(block.input) },
        });
        break;
      default: {
        const unreachable: never = block;
        return unreachable;
      }
    }
  }
  const message: AssistantMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thoughts.length > 0) message.reasoning_content = thoughts.join('');
  if (details.length > 0) message.reasoning_details = details;
  return message;
}

/**
 * Translates a 2xx Messages body into a chat completion stamped with the gateway's id, model and time. The body
 * itself comes along as `native`, for a door that answers in Anthropic's format. Throws a 502 GatewayError when the body is not an Anthropic Message.
 * @see https://platform.claude.com/docs/en/api/messages
 */
export function fromAnthropicResponse(body: unknown, ctx: TranslateContext): UpstreamCompletion {
  const message = parseAnthropicMessage(body);
  if (message === undefined) throw malformedUpstream('response');
  const assistant = toAssistantMessage(message.blocks);
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: assistant,
        logprobs: null,
        finish_reason: mapAnthropicStopReason(message.stopReason, assistant.tool_calls !== undefined),
      },
    ],
    usage: convertAnthropicUsage(message.usage),
    native: body,
  };
}
