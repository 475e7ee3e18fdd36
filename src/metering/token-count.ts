/**
 * @module Prompt token estimates for admission (tpm reservations) and routing (context-length fit), counted with a
 * real BPE tokenizer (o200k, the GPT-4o/GPT-5 encoding). Other providers tokenize differently; the estimate is
 * within a few percent for English text, and the settled usage always comes from the provider's own counts.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken (per-message overhead)
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatCompletionRequest, ChatMessage } from '../core/chat-request.js';

/** Tokens each message costs beyond its content (role and separators). */
export const TOKENS_PER_MESSAGE = 4;
/** Tokens that prime every reply. */
export const TOKENS_PER_REPLY = 3;
/** What one image part is counted as: OpenAI's high-detail tile budget for a 1024×1024 image. */
export const TOKENS_PER_IMAGE = 765;

/** Estimated prompt tokens of a request: messages, their parts, and the tool definitions. */
export function countPromptTokens(req: ChatCompletionRequest): number {
  let total = TOKENS_PER_REPLY;
  for (const message of req.messages) total += TOKENS_PER_MESSAGE + countMessage(message);
  if (req.tools !== undefined && req.tools.length > 0) total += countTokens(JSON.stringify(req.tools));
  return total;
}

function countMessage(message: ChatMessage): number {
  let total = 0;
  const { content } = message;
  if (typeof content === 'string') total += countTokens(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text') total += countTokens(part.text);
      else if (part.type === 'image_url') total += TOKENS_PER_IMAGE;
      else if (part.type === 'refusal') total += countTokens(part.refusal);
    }
  }
  if (message.role === 'assistant' && message.tool_calls !== undefined) {
    for (const call of message.tool_calls) total += countTokens(call.function.name) + countTokens(call.function.arguments);
  }
  return total;
}
