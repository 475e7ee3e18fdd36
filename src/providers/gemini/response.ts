/**
 * @module Gemini `GenerateContentResponse` → OpenAI `chat.completion`.
 *
 * One choice per candidate. Text parts are joined into `content` and thought parts into `reasoning_content`;
 * `functionCall` parts become tool calls whose ids carry the thought signature (see `tool-call-id.ts`). A blocked
 * prompt arrives as HTTP 200 with no candidates and `promptFeedback.blockReason`; it becomes one empty choice
 * finished by `content_filter`, so the client sees a normal answer it can inspect rather than an error.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 * @see shared/reference/wire-formats.md §4.4
 */
import type { UpstreamCompletion, Choice, ToolCall } from '../../core/chat-response.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { TranslateContext } from '../types.js';
import { parseGeminiResponse, type GeminiCandidate, type GeminiFunctionCall } from './api-response.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { encodeGeminiToolCallId } from './tool-call-id.js';
import { convertGeminiUsage } from './usage.js';

/** Translates a 2xx body. Throws a 502 GatewayError when the body is not a GenerateContentResponse. */
export function fromGeminiResponse(body: unknown, ctx: TranslateContext): UpstreamCompletion {
  const response = parseGeminiResponse(body);
  if (response === undefined) throw malformedUpstream('response');
  let choices: Choice[];
  if (response.candidates.length > 0) {
    choices = response.candidates.map((candidate, position) => toChoice(candidate, position, ctx));
  } else if (response.blockReason !== undefined) {
    choices = [blockedChoice()];
  } else {
    throw malformedUpstream('response');
  }
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices,
    usage: response.usageMetadata === undefined ? undefined : convertGeminiUsage(response.usageMetadata),
  };
}

function toChoice(candidate: GeminiCandidate, position: number, ctx: TranslateContext): Choice {
  const index = candidate.index ?? position;
  let content = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.parts) {
    if (part.functionCall !== undefined) {
      const id = encodeGeminiToolCallId(ctx.id, index, toolCalls.length, part.thoughtSignature);
      toolCalls.push(toToolCall(part.functionCall, id));
    } else if (part.text !== undefined) {
      if (part.thought) reasoning += part.text;
      else content += part.text;
    }
  }
  const choice: Choice = {
    index,
    message: { role: 'assistant', content: content === '' ? null : content, refusal: null },
    logprobs: null,
    finish_reason: mapGeminiFinishReason(candidate.finishReason ?? 'FINISH_REASON_UNSPECIFIED', toolCalls.length > 0),
  };
  if (reasoning !== '') choice.message.reasoning_content = reasoning;
  if (toolCalls.length > 0) choice.message.tool_calls = toolCalls;
  return choice;
}

/** A whole (non-streamed) call must name its function; a call without arguments has `{}`. */
function toToolCall(call: GeminiFunctionCall, id: string): ToolCall {
  if (call.name === undefined) throw malformedUpstream('response');
  return { id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
}

function blockedChoice(): Choice {
  return {
    index: 0,
    message: { role: 'assistant', content: null, refusal: null },
    logprobs: null,
    finish_reason: 'content_filter',
  };
}
