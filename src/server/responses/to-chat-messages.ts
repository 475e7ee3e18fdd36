/**
 * @module A Responses conversation (instructions, then the stored history and this turn's items, in order) → the
 * canonical Chat Completions messages.
 *
 * - `instructions` → a system message first (never carried over from a previous response, as OpenAI does).
 * - User, system and developer messages → the same roles; `input_image` → `image_url`, `input_file` → `file`.
 * - A run of assistant-side items (assistant messages, `function_call`, `custom_tool_call`, `reasoning`) → one
 *   assistant message: its text, its tool calls in order (a custom tool's `input` travels as the arguments
 *   `{"input": …}` of a function of the same name, see `tools.ts`) and the reasoning state the gateway itself wrote
 *   into `encrypted_content` as `reasoning_details` (a reasoning item that is not ours, or has none, is dropped).
 * - `function_call_output` / `custom_tool_call_output` → a tool message answering its `call_id`; images and files in
 *   a tool's output follow the run of tool messages as a user message (Chat Completions tool messages carry text).
 *
 * A tool output whose `call_id` matches no earlier call, or a call left without its output when the conversation
 * moves on, is a 400 as on OpenAI.
 * @see https://platform.openai.com/docs/guides/conversation-state
 */
import type { ChatMessage, ReasoningDetail, ToolCallParam, UserContentPart } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { AssistantMessageItem, ResponseItem, ToolOutputItem, UserMessageItem, UserPart } from './conversation-items.js';
import { decodeReasoningState } from './reasoning-state.js';

/** One conversation item and how errors name it (`input[2]`, or `previous_response_id` for stored history). */
export interface PlacedItem {
  item: ResponseItem;
  param: string;
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;

/** The canonical messages of a conversation. */
export function toChatMessages(instructions: string | null | undefined, items: readonly PlacedItem[]): ChatMessage[] {
  const builder = new MessageBuilder();
  if (typeof instructions === 'string' && instructions !== '') builder.messages.push({ role: 'system', content: instructions });
  for (const placed of items) builder.add(placed);
  builder.finish();
  return builder.messages;
}

class MessageBuilder {
  readonly messages: ChatMessage[] = [];
  /** The assistant turn being assembled from a run of assistant-side items. */
  #assistant: AssistantMessage | undefined;
  #reasoning: ReasoningDetail[] = [];
  /** Calls of the conversation so far, and those still waiting for their output. */
  readonly #calls = new Set<string>();
  readonly #unanswered = new Set<string>();
  /** Images and files from the current run of tool outputs, sent as a user message after it. */
  #attachments: UserContentPart[] = [];

  add({ item, param }: PlacedItem): void {
    switch (item.type) {
      case 'message':
        if (item.role === 'assistant') this.#addAssistantText(item, param);
        else this.#addMessage(item, param);
        return;
      case 'function_call':
        this.#addCall({ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }, param);
        return;
      case 'custom_tool_call':
        this.#addCall({ id: item.call_id, type: 'function', function: { name: item.name, arguments: JSON.stringify({ input: item.input }) } }, param);
        return;
      case 'reasoning':
        this.#openAssistant(param);
        this.#reasoning.push(...(decodeReasoningState(item.encrypted_content) ?? []));
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        this.#addToolOutput(item, param);
        return;
      default: {
        const unreachable: never = item;
        throw new Error(`Unknown item ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Ends the conversation: every call must have its output by now. */
  finish(): void {
    this.#closeAssistant();
    this.#closeToolRun();
    this.#requireAnswers('input');
  }

  /** The assistant turn being assembled, or a new one: the previous turn's calls must all have their outputs by then. */
  #openAssistant(param: string): AssistantMessage {
    if (this.#assistant !== undefined) return this.#assistant;
    this.#closeToolRun();
    this.#requireAnswers(param);
    this.#assistant = { role: 'assistant', content: null };
    return this.#assistant;
  }

  #addAssistantText(item: AssistantMessageItem, param: string): void {
    const message = this.#openAssistant(param);
    const text = item.content.map((part) => (part.type === 'output_text' ? part.text : part.refusal)).join('');
    message.content = typeof message.content === 'string' && message.content !== '' ? `${message.content}\n\n${text}` : text;
  }

  #addCall(call: ToolCallParam, param: string): void {
    if (this.#calls.has(call.id)) throw invalidRequest(`Duplicate tool call id '${call.id}'.`, `${param}.call_id`);
    const message = this.#openAssistant(param);
    this.#calls.add(call.id);
    this.#unanswered.add(call.id);
    message.tool_calls = [...(message.tool_calls ?? []), call];
  }

  #addToolOutput(item: ToolOutputItem, param: string): void {
    if (!this.#calls.has(item.call_id)) throw invalidRequest(`No tool call found for ${item.type} with call_id ${item.call_id}.`, `${param}.call_id`);
    this.#closeAssistant();
    this.#unanswered.delete(item.call_id);
    const message: ToolMessage = { role: 'tool', tool_call_id: item.call_id, content: '' };
    if (typeof item.output === 'string') {
      message.content = item.output;
    } else {
      const texts = item.output.flatMap((part) => (part.type === 'input_text' ? [part.text] : []));
      const attached = item.output.filter((part) => part.type !== 'input_text').map(toUserPart);
      if (attached.length > 0) this.#attachments.push({ type: 'text', text: `Attachments of the output of tool call ${item.call_id}:` }, ...attached);
      message.content = texts.length > 0 ? texts.join('\n') : '(The output is attached in the next message.)';
    }
    this.messages.push(message);
  }

  #addMessage(item: UserMessageItem, param: string): void {
    this.#closeAssistant();
    this.#closeToolRun();
    this.#requireAnswers(param);
    if (item.role === 'user') {
      this.messages.push({ role: 'user', content: item.content.map(toUserPart) });
      return;
    }
    const text = item.content.map((part) => (part.type === 'input_text' ? part.text : '')).join('\n');
    this.messages.push({ role: item.role, content: text });
  }

  #closeAssistant(): void {
    const message = this.#assistant;
    this.#assistant = undefined;
    const reasoning = this.#reasoning;
    this.#reasoning = [];
    if (message === undefined || (message.content === null && message.tool_calls === undefined)) return;
    if (reasoning.length > 0) message.reasoning_details = reasoning;
    this.messages.push(message);
  }

  #closeToolRun(): void {
    if (this.#attachments.length === 0) return;
    this.messages.push({ role: 'user', content: this.#attachments });
    this.#attachments = [];
  }

  /** OpenAI answers "No tool output found for function call …" when a conversation moves on past a call. */
  #requireAnswers(param: string): void {
    const [callId] = this.#unanswered;
    if (callId !== undefined) throw invalidRequest(`No tool output found for function call ${callId}.`, param);
  }
}

function toUserPart(part: UserPart): UserContentPart {
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: part.text };
    case 'input_image':
      return { type: 'image_url', image_url: part.detail === undefined ? { url: part.image_url } : { url: part.image_url, detail: part.detail } };
    case 'input_file':
      return {
        type: 'file',
        file: part.filename === undefined ? { file_data: part.file_data } : { file_data: part.file_data, filename: part.filename },
      };
    default: {
      const unreachable: never = part;
      return unreachable;
    }
  }
}
