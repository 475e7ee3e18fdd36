/**
 * @module A canonical assistant answer → the Response's output items, in the order OpenAI emits them: `reasoning`
 * (summary = the thinking text the provider exposed; `encrypted_content` = the provider's reasoning state in our
 * envelope), the `message` (`output_text`, `refusal`), then one `function_call` or `custom_tool_call` per tool call.
 * The stream encoder builds the same items a delta at a time with the helpers below.
 *
 * Items keep their `encrypted_content` (the store needs it to continue the conversation); {@link forClient} removes
 * it from what the client is sent unless the request's `include` asked for `reasoning.encrypted_content`.
 */
import type { ReasoningDetail } from '../../core/chat-request.js';
import type { AssistantMessage, FinishReason, ToolCall } from '../../core/chat-response.js';
import { newItemId, type AssistantMessageItem, type ResponseItem, type ItemStatus, type ReasoningItem } from './conversation-items.js';
import { encodeReasoningState } from './reasoning-state.js';

/** Why a Response is incomplete, from the answer's finish reason; `null` when it is complete. */
export function incompleteReason(finish: FinishReason | null | undefined): 'max_output_tokens' | 'content_filter' | null {
  if (finish === 'length') return 'max_output_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return null;
}

/** The output items of a whole answer. */
export function outputItemsOf(message: AssistantMessage, finish: FinishReason, customNames: ReadonlySet<string>): ResponseItem[] {
  const items: ResponseItem[] = [];
  const details = message.reasoning_details ?? [];
  if ((message.reasoning_content ?? '') !== '' || details.length > 0)
    items.push(reasoningItem(newItemId('reasoning'), message.reasoning_content ?? '', details));
  const calls = message.tool_calls ?? [];
  const hasText = (message.content ?? '') !== '' || (message.refusal ?? '') !== '';
  if (hasText || calls.length === 0) {
    const item = messageItem(newItemId('message'), incompleteReason(finish) === null ? 'completed' : 'incomplete');
    if (message.content !== null || message.refusal === null) item.content.push(outputText(message.content ?? ''));
    if (message.refusal !== null && message.refusal !== '') item.content.push({ type: 'refusal', refusal: message.refusal });
    items.push(item);
  }
  for (const call of calls) items.push(toolCallItem(call, customNames));
  return items;
}

/** A reasoning item: the thinking text as its one summary part, the reasoning state as encrypted_content. */
export function reasoningItem(id: string, text: string, details: readonly ReasoningDetail[]): ReasoningItem {
  const item: ReasoningItem = { type: 'reasoning', id, summary: text === '' ? [] : [{ type: 'summary_text', text }] };
  if (details.length > 0) item.encrypted_content = encodeReasoningState(details);
  return item;
}

/** An assistant message item without content yet. */
export function messageItem(id: string, status: ItemStatus): AssistantMessageItem {
  return { type: 'message', id, role: 'assistant', status, content: [] };
}

/** An `output_text` part. */
export function outputText(text: string): { type: 'output_text'; text: string; annotations: []; logprobs: [] } {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A tool call → a `function_call` item, or a `custom_tool_call` item when it calls a custom tool. */
export function toolCallItem(call: ToolCall, customNames: ReadonlySet<string>, id?: string): ResponseItem {
  const { name, arguments: args } = call.function;
  if (customNames.has(name))
    return { type: 'custom_tool_call', id: id ?? newItemId('custom_tool_call'), call_id: call.id, name, input: customInput(args) };
  return { type: 'function_call', id: id ?? newItemId('function_call'), call_id: call.id, name, arguments: args, status: 'completed' };
}

/**
 * A custom tool's raw input, from the `{"input": …}` arguments of the function that stands for it. A model that
 * answered something else (arguments that are not that object) has its arguments passed on as they are.
 */
export function customInput(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  const input = typeof parsed === 'object' && parsed !== null ? (parsed as { input?: unknown }).input : undefined;
  return typeof input === 'string' ? input : args;
}

/** Items as the client sees them: `encrypted_content` only when `include` asked for it. */
export function forClient(items: readonly ResponseItem[], includeEncrypted: boolean): ResponseItem[] {
  return includeEncrypted ? [...items] : items.map((item) => withoutEncrypted(item));
}

/** The item without its `encrypted_content` (other items unchanged). */
export function withoutEncrypted(item: ResponseItem): ResponseItem {
  if (item.type !== 'reasoning' || item.encrypted_content === undefined) return item;
  const { encrypted_content: _hidden, ...rest } = item;
  return rest;
}
