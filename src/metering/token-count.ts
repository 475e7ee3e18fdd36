/**
 * @module How big a prompt is, three ways: a cheap estimate (UTF-8 bytes / 4) for tpm reservations and cost
 * ranking, a bound no provider's tokenizer can exceed for spend reservations, and a real BPE count (o200k) for the
 * context-window check when the bound alone cannot settle it. Every request gets the first two in one pass over
 * its text; the tokenizer runs only on demand, over at most the configured number of characters per request
 * (`requests.tokenizerMaxChars`, see {@link BoundedTokenCounter}). Settled usage comes from the provider's own counts.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken (per-message overhead)
 */
import type { ChatCompletionRequest, ChatMessage } from '../core/chat-request.js';
import { BoundedTokenCounter, DEFAULT_TOKENIZER_MAX_CHARS } from './tokenizer.js';

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

/** UTF-8 bytes per token assumed by the estimate: about right for English and code, and for CJK (3 bytes a character). */
export const ESTIMATE_BYTES_PER_TOKEN = 4;

/** A prompt's size: estimate and bound from one pass over the request, the BPE count computed when first asked. */
export interface PromptSize {
  /** Bytes / {@link ESTIMATE_BYTES_PER_TOKEN} plus the per-message, image and reply overheads. */
  readonly estimate: number;
  /**
   * A size no provider's tokenizer can exceed, for spend reservations: byte-level BPE and SentencePiece tokens each
   * cover at least one byte, so UTF-8 bytes bound the text, plus generous template, tool and image allowances. It
   * over-reserves (English runs about 4 bytes a token), so a cap may refuse a request that would have fit; it never
   * lets a provider's larger count push spend past a cap.
   */
  readonly bound: number;
  /** {@link countPromptTokens}, computed once on the first call. */
  counted(): number;
}

/**
 * Measures `req`'s prompt without tokenizing it; `counted()` tokenizes at most `tokenizerMaxChars` characters of it.
 */
export function measurePrompt(req: ChatCompletionRequest, tokenizerMaxChars = DEFAULT_TOKENIZER_MAX_CHARS): PromptSize {
  let textBytes = 0;
  let otherBytes = 0;
  let images = 0;
  for (const message of req.messages) {
    const size = messageBytes(message);
    textBytes += size.text;
    otherBytes += size.other;
    images += size.images;
  }
  const messages = req.messages.length;
  const toolBytes = req.tools !== undefined && req.tools.length > 0 ? Buffer.byteLength(JSON.stringify(req.tools)) : -1;
  const estimate =
    TOKENS_PER_REPLY +
    messages * TOKENS_PER_MESSAGE +
    Math.ceil(textBytes / ESTIMATE_BYTES_PER_TOKEN) +
    images * TOKENS_PER_IMAGE +
    (toolBytes < 0 ? 0 : Math.ceil(toolBytes / ESTIMATE_BYTES_PER_TOKEN));
  const bound =
    TOKENS_PER_REPLY +
    messages * BOUND_TOKENS_PER_MESSAGE +
    textBytes +
    otherBytes +
    images * BOUND_TOKENS_PER_IMAGE +
    (toolBytes < 0 ? 0 : BOUND_TOKENS_FOR_TOOLS + toolBytes);
  let counted: number | undefined;
  return { estimate, bound, counted: () => (counted ??= countPromptTokens(req, tokenizerMaxChars)) };
}

/**
 * Prompt tokens of a request as the o200k tokenizer counts them: messages, their parts, and the tool definitions;
 * exact up to `tokenizerMaxChars` characters of text, the rest scaled from that part (see {@link BoundedTokenCounter}).
 */
export function countPromptTokens(req: ChatCompletionRequest, tokenizerMaxChars = DEFAULT_TOKENIZER_MAX_CHARS): number {
  const counter = new BoundedTokenCounter(tokenizerMaxChars);
  let overhead = TOKENS_PER_REPLY;
  for (const message of req.messages) overhead += TOKENS_PER_MESSAGE + countMessage(message, counter);
  if (req.tools !== undefined && req.tools.length > 0) counter.add(JSON.stringify(req.tools));
  return overhead + counter.total();
}

/** Adds a message's text to `counter`; returns its fixed costs (images). */
function countMessage(message: ChatMessage, counter: BoundedTokenCounter): number {
  let fixed = 0;
  const { content } = message;
  if (typeof content === 'string') counter.add(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text') counter.add(part.text);
      else if (part.type === 'image_url') fixed += TOKENS_PER_IMAGE;
      else if (part.type === 'refusal') counter.add(part.refusal);
    }
  }
  if (message.role === 'assistant' && message.tool_calls !== undefined) {
    for (const call of message.tool_calls) {
      counter.add(call.function.name);
      counter.add(call.function.arguments);
    }
  }
  if (message.role === 'assistant') {
    for (const detail of message.reasoning_details ?? []) counter.add(detail.type === 'reasoning.text' ? detail.text : detail.data);
  }
  return fixed;
}

/**
 * The UTF-8 bytes of a message's text (content, refusals, tool calls, replayed thinking), of its other parts (and
 * opaque reasoning state), and its image count.
 */
function messageBytes(message: ChatMessage): { text: number; other: number; images: number } {
  let text = 0;
  let other = 0;
  let images = 0;
  const { content } = message;
  if (typeof content === 'string') text += Buffer.byteLength(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text') text += Buffer.byteLength(part.text);
      else if (part.type === 'image_url') images += 1;
      else if (part.type === 'refusal') text += Buffer.byteLength(part.refusal);
      else other += Buffer.byteLength(JSON.stringify(part));
    }
  }
  if (message.role === 'assistant' && message.tool_calls !== undefined) {
    for (const call of message.tool_calls) text += Buffer.byteLength(call.function.name) + Buffer.byteLength(call.function.arguments);
  }
  if (message.role === 'assistant') {
    for (const detail of message.reasoning_details ?? []) {
      if (detail.type === 'reasoning.text') text += Buffer.byteLength(detail.text);
      else other += Buffer.byteLength(detail.data);
    }
  }
  return { text, other, images };
}
