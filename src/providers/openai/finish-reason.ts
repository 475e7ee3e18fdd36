/**
 * @module OpenAI-format finish reasons, including the vendors' own values.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 * @see https://docs.mistral.ai/api/#tag/chat (`model_length`, `error`)
 * @see https://api-docs.deepseek.com/api/create-chat-completion (`insufficient_system_resource`)
 */
import type { FinishReason } from '../../core/chat-response.js';

/**
 * Maps an upstream finish reason onto OpenAI's four. The deprecated `function_call` becomes `tool_calls`; Mistral's
 * `model_length` is a token limit; anything unknown (Mistral `error`, DeepSeek `insufficient_system_resource`) is
 * reported as `stop` rather than passed through, because clients switch on the four documented values.
 */
export function mapOpenAIFinishReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    case 'model_length':
      return 'length';
    default:
      return 'stop';
  }
}
