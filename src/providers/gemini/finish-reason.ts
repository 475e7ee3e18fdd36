/**
 * @module Gemini `finishReason` → OpenAI `finish_reason`.
 *
 * Gemini has no tool-call finish reason: a turn that calls functions ends with `STOP`, so the caller says whether the
 * candidate produced any function call. Reasons with no OpenAI equivalent (malformed or unexpected tool calls,
 * LANGUAGE, OTHER, …) become `stop`, and so does any value added after this table was written.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 * @see shared/reference/wire-formats.md §4.5
 */
import type { FinishReason } from '../../core/chat-response.js';

const KNOWN_REASONS = [
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'NO_IMAGE',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
] as const;

/** The finish reasons documented by Gemini's API. */
export type GeminiFinishReason = (typeof KNOWN_REASONS)[number];

function isKnownReason(value: string): value is GeminiFinishReason {
  return (KNOWN_REASONS as readonly string[]).includes(value);
}

/**
 * Maps a candidate's finish reason. `STOP` with function calls is `tool_calls`; an unknown value is `stop`.
 * @param reason the raw `finishReason` string
 * @param hasFunctionCall whether the candidate emitted at least one `functionCall` part
 */
export function mapGeminiFinishReason(reason: string, hasFunctionCall: boolean): FinishReason {
  if (!isKnownReason(reason)) return 'stop';
  switch (reason) {
    case 'STOP':
      return hasFunctionCall ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    case 'FINISH_REASON_UNSPECIFIED':
    case 'LANGUAGE':
    case 'OTHER':
    case 'MALFORMED_FUNCTION_CALL':
    case 'IMAGE_OTHER':
    case 'NO_IMAGE':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
      return 'stop';
    default: {
      const exhaustive: never = reason;
      return exhaustive;
    }
  }
}
