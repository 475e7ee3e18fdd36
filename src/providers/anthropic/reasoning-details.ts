/**
 * @module Claude's thinking blocks ⇄ the canonical `reasoning_details` entries (OpenRouter's shape), so a client of
 * any door can carry signed thinking from one turn to the next: Claude refuses a tool loop with thinking on unless
 * the turn that called the tools comes back with its thinking blocks, signatures unchanged.
 * - `thinking {thinking, signature}` ⇄ `{type: 'reasoning.text', text, signature, format: 'anthropic'}`
 * - `redacted_thinking {data}` ⇄ `{type: 'reasoning.encrypted', data, format: 'anthropic'}`
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks
 */
import type { ReasoningDetail } from '../../core/chat-request.js';

/** The `format` of the entries this adapter writes and the only one it reads back. */
export const ANTHROPIC_REASONING_FORMAT = 'anthropic';

export type AnthropicThinkingBlockParam = { type: 'thinking'; thinking: string; signature: string };
export type AnthropicRedactedThinkingBlockParam = { type: 'redacted_thinking'; data: string };
export type AnthropicReasoningBlockParam = AnthropicThinkingBlockParam | AnthropicRedactedThinkingBlockParam;

/** A `thinking` block as an entry; its signature is left out when the upstream sent none. */
export function anthropicThinkingDetail(text: string, signature: string | undefined): ReasoningDetail {
  const detail: ReasoningDetail = { type: 'reasoning.text', text, format: ANTHROPIC_REASONING_FORMAT };
  if (signature !== undefined && signature !== '') detail.signature = signature;
  return detail;
}

/** A `redacted_thinking` block (thinking the safety systems encrypted) as an entry. */
export function anthropicRedactedDetail(data: string): ReasoningDetail {
  return { type: 'reasoning.encrypted', data, format: ANTHROPIC_REASONING_FORMAT };
}

/**
 * The thinking blocks to replay for an assistant turn's entries, in order. Entries of other formats (another
 * provider's reasoning) cannot be read here and are dropped, and so is text without a signature: Anthropic refuses
 * a thinking block it cannot verify, and unsigned text tells the model nothing it needs.
 */
export function anthropicReasoningBlocks(details: readonly ReasoningDetail[] | undefined): AnthropicReasoningBlockParam[] {
  const blocks: AnthropicReasoningBlockParam[] = [];
  for (const detail of details ?? []) {
    if (detail.format !== ANTHROPIC_REASONING_FORMAT) continue;
    if (detail.type === 'reasoning.encrypted') blocks.push({ type: 'redacted_thinking', data: detail.data });
    else if (detail.signature !== undefined) blocks.push({ type: 'thinking', thinking: detail.text, signature: detail.signature });
  }
  return blocks;
}
