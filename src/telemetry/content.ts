/**
 * @module Prompts and completions as the GenAI conventions record them when content capture is on
 * (`telemetry.captureContent`): `gen_ai.input.messages` and `gen_ai.output.messages`, JSON strings of messages made
 * of typed parts (`text`, `tool_call`, `tool_call_response`, `reasoning`, `uri`). The system prompt stays among the
 * input messages, where Chat Completions puts it. Inline media (base64 images, audio, files) is never recorded, only
 * its part type, and text is bounded: a hostile request must not turn one span into megabytes of telemetry.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/#recording-content-on-attributes
 */
import type { ChatMessage } from '../core/chat-request.js';
import type { Choice, ChatCompletionChunk } from '../core/chat-response.js';

/** Characters of text one attribute may record in all; older input messages are left out past it. */
export const CONTENT_BUDGET_CHARS = 64 * 1024;

/** A message part in the conventions' schema. */
type Part =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_call_response'; id: string; response: string }
  | { type: 'uri'; modality: 'image'; uri: string }
  | { type: string };

interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

/** Hands out characters of text until the budget is spent. */
class Budget {
  #left = CONTENT_BUDGET_CHARS;

  get spent(): boolean {
    return this.#left <= 0;
  }

  take(text: string): string {
    const kept = text.length <= this.#left ? text : text.slice(0, Math.max(0, this.#left));
    this.#left -= kept.length;
    return kept;
  }
}

/** `gen_ai.input.messages` of a request's messages: the most recent ones that fit the budget, in order. */
export function inputMessagesOf(messages: readonly ChatMessage[]): string {
  const budget = new Budget();
  const kept: Message[] = [];
  for (let index = messages.length - 1; index >= 0 && !budget.spent; index -= 1) {
    const message = messages[index];
    if (message !== undefined) kept.push({ role: message.role, parts: inputParts(message, budget) });
  }
  return JSON.stringify(kept.reverse());
}

function inputParts(message: ChatMessage, budget: Budget): Part[] {
  switch (message.role) {
    case 'system':
    case 'developer':
      return textParts(message.content, budget);
    case 'user': {
      if (typeof message.content === 'string') return [{ type: 'text', content: budget.take(message.content) }];
      return message.content.map((part): Part => {
        if (part.type === 'text') return { type: 'text', content: budget.take(part.text) };
        if (part.type === 'image_url' && /^https?:/i.test(part.image_url.url)) {
          return { type: 'uri', modality: 'image', uri: budget.take(part.image_url.url) };
        }
        return { type: part.type };
      });
    }
    case 'assistant': {
      const parts: Part[] = message.content === undefined || message.content === null ? [] : textParts(message.content, budget);
      if (message.refusal) parts.push({ type: 'text', content: budget.take(message.refusal) });
      for (const call of message.tool_calls ?? []) parts.push(toolCall(call.id, call.function.name, call.function.arguments, budget));
      return parts;
    }
    case 'tool':
      return [{ type: 'tool_call_response', id: message.tool_call_id, response: budget.take(joinText(message.content)) }];
    default: {
      const unknown: never = message;
      return unknown;
    }
  }
}

/** A string, or text parts (refusal parts of an assistant message recorded as text). */
function textParts(content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>, budget: Budget): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content: budget.take(content) }];
  return content.map((part) => ({ type: 'text', content: budget.take(part.text ?? part.refusal ?? '') }));
}

function joinText(content: string | ReadonlyArray<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function toolCall(id: string, name: string, args: string, budget: Budget): Part {
  return { type: 'tool_call', id, name, arguments: budget.take(args) };
}

/** `gen_ai.output.messages` of a complete answer: one message per choice. */
export function outputMessagesOf(choices: readonly Choice[]): string {
  const budget = new Budget();
  const messages = choices.map(({ message, finish_reason }): Message => {
    const parts: Part[] = [];
    if (message.reasoning_content) parts.push({ type: 'reasoning', content: budget.take(message.reasoning_content) });
    if (message.content) parts.push({ type: 'text', content: budget.take(message.content) });
    if (message.refusal) parts.push({ type: 'text', content: budget.take(message.refusal) });
    for (const call of message.tool_calls ?? []) parts.push(toolCall(call.id, call.function.name, call.function.arguments, budget));
    return { role: 'assistant', parts, finish_reason };
  });
  return JSON.stringify(messages);
}

/** One choice of a stream, as its deltas arrive. */
interface StreamedChoice {
  reasoning: string;
  text: string;
  toolCalls: Map<number, { id: string; name: string; arguments: string }>;
}

/** Assembles a streamed answer's output, within the budget, for `gen_ai.output.messages`. */
export class OutputCollector {
  readonly #budget = new Budget();
  readonly #choices = new Map<number, StreamedChoice>();

  add(chunk: ChatCompletionChunk): void {
    const budget = this.#budget;
    for (const { index, delta } of chunk.choices) {
      let choice = this.#choices.get(index);
      if (choice === undefined) {
        choice = { reasoning: '', text: '', toolCalls: new Map() };
        this.#choices.set(index, choice);
      }
      if (delta.reasoning_content) choice.reasoning += budget.take(delta.reasoning_content);
      if (delta.content) choice.text += budget.take(delta.content);
      if (delta.refusal) choice.text += budget.take(delta.refusal);
      for (const call of delta.tool_calls ?? []) {
        const known = choice.toolCalls.get(call.index) ?? { id: '', name: '', arguments: '' };
        if (call.id) known.id = call.id;
        if (call.function?.name) known.name = call.function.name;
        if (call.function?.arguments) known.arguments += budget.take(call.function.arguments);
        choice.toolCalls.set(call.index, known);
      }
    }
  }

  /** The assembled messages, in choice order, with each choice's finish reason. */
  messages(finishReasons: ReadonlyMap<number, string>): string {
    const ordered = [...this.#choices.entries()].sort(([a], [b]) => a - b);
    const messages = ordered.map(([index, choice]): Message => {
      const parts: Part[] = [];
      if (choice.reasoning !== '') parts.push({ type: 'reasoning', content: choice.reasoning });
      if (choice.text !== '') parts.push({ type: 'text', content: choice.text });
      for (const call of choice.toolCalls.values()) parts.push({ type: 'tool_call', ...call });
      const finish = finishReasons.get(index);
      return finish === undefined ? { role: 'assistant', parts } : { role: 'assistant', parts, finish_reason: finish };
    });
    return JSON.stringify(messages);
  }
}
