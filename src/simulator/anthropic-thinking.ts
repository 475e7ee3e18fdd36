/**
 * @module Extended thinking in the simulated Anthropic API: how much the request asks for, and the signatures that
 * make thinking blocks tamper-evident. Claude signs each thinking block and refuses one sent back whose signature
 * does not match its text, so a client (or a gateway) must return thinking blocks exactly as it got them; the
 * simulator signs with an HMAC of the text under a fixed secret (the same in every run, so recorded conversations
 * stay valid) and checks it the same way.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 */

import { createHmac } from 'node:crypto';
import { invalid } from './anthropic-errors.js';
import { isAbsent, isIntegerAtLeast, isRecord } from '../core/guards.js';
import type { HttpReply } from './wire-format.js';

/** Reasoning tokens a request with thinking on gets when the `reasoningTokens` knob is 0. */
export const DEFAULT_THINKING_TOKENS = 8;

/** Anthropic's smallest `budget_tokens`. */
const MIN_BUDGET = 1024;

const SIGNING_SECRET = 'originalpoint-simulator-thinking-v1';

/** The signature of a thinking block's text (base64, like Anthropic's). */
export function signThinking(text: string): string {
  return createHmac('sha256', SIGNING_SECRET).update(text).digest('base64');
}

/** Whether a thinking block sent back is one the simulator signed, unchanged; the API's 400 when it is not. */
export function checkThinkingBlock(block: Record<string, unknown>, where: string): HttpReply | undefined {
  if (typeof block.thinking !== 'string') return invalid(`${where}.thinking.thinking: Field required`);
  if (typeof block.signature !== 'string') return invalid(`${where}.thinking.signature: Field required`);
  return block.signature === signThinking(block.thinking) ? undefined : invalid(`${where}: Invalid \`signature\` in \`thinking\` block`);
}

/**
 * The reasoning the request's `thinking` asks for: {@link DEFAULT_THINKING_TOKENS} when it is `enabled` (with a
 * budget of at least 1,024 below `max_tokens`, as the API checks) or `adaptive`, undefined when absent or
 * `disabled`.
 */
export function readThinking(body: Record<string, unknown>, maxTokens: number): number | undefined | HttpReply {
  const { thinking } = body;
  if (isAbsent(thinking)) return undefined;
  if (!isRecord(thinking)) return invalid('thinking: Input should be a valid dictionary');
  switch (thinking.type) {
    case 'disabled':
      return undefined;
    case 'adaptive':
      return DEFAULT_THINKING_TOKENS;
    case 'enabled':
      if (!isIntegerAtLeast(thinking.budget_tokens, MIN_BUDGET)) {
        return invalid(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_BUDGET}`);
      }
      if (thinking.budget_tokens >= maxTokens) return invalid('`max_tokens` must be greater than `thinking.budget_tokens`.');
      return DEFAULT_THINKING_TOKENS;
    default:
      return invalid(
        `thinking: Input tag '${String(thinking.type)}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'`,
      );
  }
}

/**
 * With thinking on, a conversation that ends with tool results must give back the thinking of the assistant turn
 * that called the tools, first in that turn; the API's 400 when it does not (the gateway must replay it, or turn
 * thinking off).
 */
export function checkToolLoopThinking(lastAssistant: { index: number; firstBlock: unknown } | undefined): HttpReply | undefined {
  if (lastAssistant === undefined || lastAssistant.firstBlock === 'thinking' || lastAssistant.firstBlock === 'redacted_thinking') return undefined;
  return invalid(
    `messages.${lastAssistant.index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(lastAssistant.firstBlock)}\`. ` +
      'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of ' +
      '`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this ' +
      'requirement, disable `thinking`.',
  );
}
