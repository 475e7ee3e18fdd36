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

/** Per-message allowance in the upper bound: role markers and separators of any provider's chat template. */
export const BOUND_TOKENS_PER_MESSAGE = 8;
/** Upper-bound allowance for tool use: providers add a tool-use system prompt (Anthropic's is ~350 tokens). */
export const BOUND_TOKENS_FOR_TOOLS = 600;
/** Upper bound for one image: the largest per-image cost among the providers (Anthropic, ~1,600 at 1568 px). */
export const BOUND_TOKENS_PER_IMAGE = 2000;

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

/**
 * A prompt size no provider's tokenizer can exceed, for spend reservations: byte-level BPE and SentencePiece
 * tokens each cover at least one byte, so UTF-8 bytes bound the text, plus generous template, tool and image
 * allowances. It over-reserves (English runs about 4 bytes a token), so a cap may refuse a request that would have
 * fit; it never lets a provider's larger count push spend past a cap.
 */
export function promptTokenUpperBound(req: ChatCompletionRequest): number {
  let total = TOKENS_PER_REPLY;
  for (const message of req.messages) total += BOUND_TOKENS_PER_MESSAGE + messageBytes(message);
  if (req.tools !== undefined && req.tools.length > 0) total += BOUND_TOKENS_FOR_TOOLS + Buffer.byteLength(JSON.stringify(req.tools));
  return total;
}

function messageBytes(message: ChatMessage): number {
  let total = 0;
  const { content } = message;
  if (typeof content === 'string') total += Buffer.byteLength(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text') total += Buffer.byteLength(part.text);
      else if (part.type === 'image_url') total += BOUND_TOKENS_PER_IMAGE;
      else if (part.type === 'refusal') total += Buffer.byteLength(part.refusal);
      else total += Buffer.byteLength(JSON.stringify(part));
    }
  }
  if (message.role === 'assistant' && message.tool_calls !== undefined) {
    for (const call of message.tool_calls) total += Buffer.byteLength(call.function.name) + Buffer.byteLength(call.function.arguments);
  }
  return total;
}
