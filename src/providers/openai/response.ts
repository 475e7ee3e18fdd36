/**
 * @module OpenAI-format upstream completion → the gateway's ChatCompletion.
 *
 * The upstream body is checked and rebuilt field by field rather than forwarded, so a vendor's extra or
 * non-standard fields never reach the client and `id`, `model` and `created` are the gateway's own.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
import type { AssistantMessage, UpstreamCompletion, Choice, ToolCall } from '../../core/chat-response.js';
import { isRecord } from '../../core/guards.js';
import { malformedUpstream } from '../shared/upstream-error.js';
import type { TranslateContext } from '../types.js';
import { mapOpenAIFinishReason } from './finish-reason.js';
import { convertOpenAIUsage } from './usage.js';

/** Translates an OpenAI-format `chat.completion` body. Throws a 502 GatewayError when it is not one. */
export function fromOpenAIResponse(body: unknown, ctx: TranslateContext): UpstreamCompletion {
  if (!isRecord(body) || !Array.isArray(body.choices)) throw malformedUpstream('response');
  const choices = body.choices.map((raw: unknown, position: number) => toChoice(raw, position));
  const completion: UpstreamCompletion = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices,
    usage: convertOpenAIUsage(body.usage),
  };
  if (typeof body.system_fingerprint === 'string') completion.system_fingerprint = body.system_fingerprint;
  return completion;
}

function toChoice(raw: unknown, position: number): Choice {
  if (!isRecord(raw) || !isRecord(raw.message)) throw malformedUpstream('response choice');
  return {
    index: typeof raw.index === 'number' ? raw.index : position,
    message: toMessage(raw.message),
    logprobs: null,
    finish_reason: mapOpenAIFinishReason(raw.finish_reason) ?? 'stop',
  };
}

function toMessage(raw: Record<string, unknown>): AssistantMessage {
  const message: AssistantMessage = {
    role: 'assistant',
    content: typeof raw.content === 'string' ? raw.content : null,
    refusal: typeof raw.refusal === 'string' ? raw.refusal : null,
  };
  if (Array.isArray(raw.tool_calls) && raw.tool_calls.length > 0) message.tool_calls = raw.tool_calls.map(toToolCall);
  const reasoning = raw.reasoning_content ?? raw.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') message.reasoning_content = reasoning;
  return message;
}

function toToolCall(raw: unknown): ToolCall {
  if (!isRecord(raw) || typeof raw.id !== 'string' || !isRecord(raw.function) || typeof raw.function.name !== 'string') {
    throw malformedUpstream('tool call');
  }
  const args = raw.function.arguments;
  return { id: raw.id, type: 'function', function: { name: raw.function.name, arguments: typeof args === 'string' ? args : '{}' } };
}
