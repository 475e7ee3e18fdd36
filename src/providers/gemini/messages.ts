/**
 * @module OpenAI `messages` → Gemini `contents` + `systemInstruction`.
 *
 * - system/developer messages, wherever they sit, become `systemInstruction` parts (Gemini has no system role);
 * - user → `user`, assistant → `model`; tool results → `functionResponse` parts in a `user` turn;
 * - consecutive turns of the same role are merged, as Gemini expects alternating turns;
 * - assistant tool calls become `functionCall` parts, with the thought signature recovered from the call id;
 * - Gemini wants the function *name* on a result, so it is looked up from the earlier assistant call with that id.
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://ai.google.dev/gemini-api/docs/function-calling#multi-turn
 */
import { contentText, type ChatMessage } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { GeminiContent, GeminiRequestPart } from './api-request.js';
import { decodeGeminiThoughtSignature } from './tool-call-id.js';
import { convertGeminiUserContent } from './user-parts.js';

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;

/** The conversation part of a Gemini request body. */
export interface GeminiPrompt {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
}

/** Converts the conversation. Throws a 400 for tool-call arguments that are not a JSON object or unknown tool ids. */
export function convertToGeminiPrompt(messages: ChatMessage[]): GeminiPrompt {
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  for (const [i, message] of messages.entries()) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') system.push({ text });
        break;
      }
      case 'user':
        pushTurn(contents, 'user', convertGeminiUserContent(message.content, `messages[${i}].content`));
        break;
      case 'assistant':
        pushTurn(contents, 'model', assistantParts(message, i, toolNames));
        break;
      case 'tool':
        pushTurn(contents, 'user', [functionResponsePart(message, i, toolNames)]);
        break;
      default:
        message satisfies never;
    }
  }
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

function pushTurn(contents: GeminiContent[], role: GeminiContent['role'], parts: GeminiRequestPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function assistantParts(message: AssistantMessage, i: number, toolNames: Map<string, string>): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = [];
  const text = contentText(message.content);
  if (text !== '') parts.push({ text });
  (message.tool_calls ?? []).forEach((call, j) => {
    const args = parseArguments(call.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`);
    const functionCall = { name: call.function.name, args };
    const thoughtSignature = decodeGeminiThoughtSignature(call.id);
    parts.push(thoughtSignature === undefined ? { functionCall } : { functionCall, thoughtSignature });
    toolNames.set(call.id, call.function.name);
  });
  return parts;
}

/** Gemini's `args` is a JSON object; an empty string (sent by some clients for no-argument calls) means `{}`. */
function parseArguments(json: string, param: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidRequest('tool call arguments must be valid JSON', param);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('tool call arguments must be a JSON object', param);
  }
  return parsed as Record<string, unknown>;
}

function functionResponsePart(message: ToolMessage, i: number, toolNames: Map<string, string>): GeminiRequestPart {
  const name = toolNames.get(message.tool_call_id);
  if (name === undefined) {
    throw invalidRequest(
      `tool_call_id "${message.tool_call_id}" does not match any tool call of an earlier assistant message`,
      `messages[${i}].tool_call_id`,
    );
  }
  return { functionResponse: { name, response: { output: contentText(message.content) } } };
}
