/**
 * @module Anthropic `stop_reason` → OpenAI `finish_reason`.
 */
import type { FinishReason } from '../../core/chat-response.js';

/** The stop reasons Anthropic documents today. New ones may appear without notice. */
export type AnthropicStopReason =
  | 'end_turn'
  | 'stop_sequence'
  | 'pause_turn'
  | 'max_tokens'
  | 'model_context_window_exceeded'
  | 'tool_use'
  | 'refusal';

const KNOWN_STOP_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'stop_sequence',
  'pause_turn',
  'max_tokens',
  'model_context_window_exceeded',
  'tool_use',
  'refusal',
]);

function isKnownStopReason(value: string): value is AnthropicStopReason {
  return KNOWN_STOP_REASONS.has(value);
}

/**
 * Maps an Anthropic stop reason to the OpenAI finish reason.
 *
 * `pause_turn` (a paused server-tool turn) becomes `stop`, as in the Vercel AI SDK. A missing or unknown value
 * becomes `stop` explicitly: the answer did end, and OpenAI clients accept no other value there; the raw value is
 * still in the upstream body for the log. `tool_use` is `tool_calls` only when the answer holds a client tool call:
 * when the only tool used was the `json_output` emulation of `json_object`, the answer is content and ends in `stop`.
 * @param hasToolCalls whether the translated answer carries at least one client tool call
 * @see https://docs.anthropic.com/en/api/messages#response-stop-reason
 * @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
export function mapAnthropicStopReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === null || reason === undefined || !isKnownStopReason(reason)) return 'stop';
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'refusal':
      return 'content_filter';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}
