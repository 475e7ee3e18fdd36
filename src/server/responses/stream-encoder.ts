/**
 * @module Canonical chat chunks → the Responses stream: `response.created`, `response.in_progress`, then per output
 * item `response.output_item.added` … `response.output_item.done` with, in between, the item's own events —
 * reasoning (`reasoning_summary_part.added`, `reasoning_summary_text.delta` … `.done`, `reasoning_summary_part.done`),
 * a message (`content_part.added`, `output_text.delta` … `.done` or `refusal.delta` … `.done`, `content_part.done`),
 * a function call (`function_call_arguments.delta` … `.done`), a custom tool call (`custom_tool_call_input.delta` /
 * `.done`, sent whole when the call ends: its input arrives JSON-encoded inside the stand-in function's arguments) —
 * and last `response.completed` or `response.incomplete` with the whole Response and the settled usage, once the turn
 * is stored. Every event has a `sequence_number` counting from 0.
 *
 * A failure after the first event ends the stream as OpenAI's recorded stream does
 * (`shared/fixtures/recorded/openai-responses/openai-error.1.chunks.txt`): an `error` event whose fields are nested
 * in `error` (OpenAI's published schema puts them at the top level; the recording and the SDKs disagree with it),
 * then `response.failed`. A turn the store refuses to keep ends the same way.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import type { ReasoningDetail } from '../../core/chat-request.js';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta, Usage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatStreamEncoder, OutboundEvent } from '../../pipeline/index.js';
import { newItemId, type ResponseItem, type OutputTextPart, type RefusalPart } from './conversation-items.js';
import { customInput, messageItem, outputText, reasoningItem, toolCallItem, withoutEncrypted } from './output-items.js';
import { failedResponse, finishedResponse, inProgressResponse, type ResponseTurn } from './response-turn.js';

interface OpenReasoning {
  kind: 'reasoning';
  id: string;
  outputIndex: number;
  text: string;
  details: ReasoningDetail[];
  /** The summary part was announced (there is thinking text). */
  summaryOpen: boolean;
}

interface OpenMessage {
  kind: 'message';
  id: string;
  outputIndex: number;
  parts: (OutputTextPart | RefusalPart)[];
  /** The part receiving deltas; the others are done. */
  current: OutputTextPart | RefusalPart | undefined;
}

interface OpenCall {
  id: string;
  outputIndex: number;
  callId: string;
  name: string;
  arguments: string;
  custom: boolean;
}

/** A fresh encoder for one streamed turn. */
export function responsesStreamEncoder(turn: ResponseTurn, fallbackModel: string): ChatStreamEncoder {
  return new ResponsesStreamEncoder(turn, fallbackModel);
}

class ResponsesStreamEncoder implements ChatStreamEncoder {
  readonly #turn: ResponseTurn;
  #model: string;
  #events: OutboundEvent[] = [];
  #sequence = 0;
  #started = false;
  #nextOutputIndex = 0;
  /** Finished items by output index. */
  readonly #output: ResponseItem[] = [];
  #open: OpenReasoning | OpenMessage | undefined;
  /** Tool calls by their chunk index, open until other output or the end. */
  readonly #calls = new Map<number, OpenCall>();
  #finish: FinishReason | null = null;

  constructor(turn: ResponseTurn, fallbackModel: string) {
    this.#turn = turn;
    this.#model = fallbackModel;
  }

  step(chunks: readonly ChatCompletionChunk[]): OutboundEvent[] {
    for (const chunk of chunks) {
      this.#start(chunk.model);
      const choice = chunk.choices.find((c) => c.index === 0);
      if (choice === undefined) continue;
      this.#delta(choice.delta);
      if (choice.finish_reason !== null) this.#finish = choice.finish_reason;
    }
    return this.#take();
  }

  async end(usage: Usage): Promise<OutboundEvent[]> {
    this.#start(this.#model);
    this.#closeAll();
    const output = [...this.#output];
    const response = finishedResponse(this.#turn, this.#model, output, this.#finish, usage);
    try {
      await this.#turn.keep(output, response);
    } catch (error) {
      const failure =
        error instanceof GatewayError ? error : new GatewayError(500, 'internal_error', 'The response could not be stored.', { cause: error });
      return this.error(failure);
    }
    this.#emit(response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    return this.#take();
  }

  error(error: GatewayError): OutboundEvent[] {
    this.#start(this.#model);
    this.#emit('error', { error: { type: error.type, code: error.code, message: error.message, param: error.param } });
    // The items finished so far; `filter` skips the holes of those still open.
    const output = this.#output.filter(() => true);
    this.#emit('response.failed', { response: failedResponse(this.#turn, this.#model, output, error) });
    return this.#take();
  }

  #take(): OutboundEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #emit(type: string, fields: Record<string, unknown>): void {
    this.#events.push({ event: type, data: { type, sequence_number: this.#sequence++, ...fields } });
  }

  #start(model: string): void {
    if (this.#started) return;
    this.#started = true;
    this.#model = model;
    const response = inProgressResponse(this.#turn, model);
    this.#emit('response.created', { response });
    this.#emit('response.in_progress', { response });
  }

  #delta(delta: ChunkDelta): void {
    if (delta.reasoning_content) this.#reasoningText(delta.reasoning_content);
    if (delta.reasoning_details !== undefined && delta.reasoning_details.length > 0) this.#openReasoning().details.push(...delta.reasoning_details);
    if (delta.content) this.#messageText('text', delta.content);
    if (delta.refusal) this.#messageText('refusal', delta.refusal);
    for (const call of delta.tool_calls ?? []) this.#toolCall(call);
  }

  #added(item: ResponseItem, outputIndex: number): void {
    this.#emit('response.output_item.added', { output_index: outputIndex, item: withoutEncrypted(item) });
  }

  #done(item: ResponseItem, outputIndex: number): void {
    this.#output[outputIndex] = item;
    this.#emit('response.output_item.done', { output_index: outputIndex, item: this.#turn.includeEncrypted ? item : withoutEncrypted(item) });
  }

  /** The open reasoning item, or a new one after closing whatever else was open. */
  #openReasoning(): OpenReasoning {
    if (this.#open?.kind === 'reasoning') return this.#open;
    this.#closeAll();
    const open: OpenReasoning = {
      kind: 'reasoning',
      id: newItemId('reasoning'),
      outputIndex: this.#nextOutputIndex++,
      text: '',
      details: [],
      summaryOpen: false,
    };
    this.#open = open;
    this.#added({ type: 'reasoning', id: open.id, summary: [] }, open.outputIndex);
    return open;
  }

  #reasoningText(text: string): void {
    const open = this.#openReasoning();
    const ids = { item_id: open.id, output_index: open.outputIndex, summary_index: 0 };
    if (!open.summaryOpen) {
      open.summaryOpen = true;
      this.#emit('response.reasoning_summary_part.added', { ...ids, part: { type: 'summary_text', text: '' } });
    }
    open.text += text;
    this.#emit('response.reasoning_summary_text.delta', { ...ids, delta: text });
  }

  #closeReasoning(open: OpenReasoning): void {
    if (open.summaryOpen) {
      const ids = { item_id: open.id, output_index: open.outputIndex, summary_index: 0 };
      this.#emit('response.reasoning_summary_text.done', { ...ids, text: open.text });
      this.#emit('response.reasoning_summary_part.done', { ...ids, part: { type: 'summary_text', text: open.text } });
    }
    this.#done(reasoningItem(open.id, open.text, open.details), open.outputIndex);
  }

  #messageText(kind: 'text' | 'refusal', text: string): void {
    let open = this.#open;
    if (open?.kind !== 'message') {
      this.#closeAll();
      open = { kind: 'message', id: newItemId('message'), outputIndex: this.#nextOutputIndex++, parts: [], current: undefined };
      this.#open = open;
      this.#added(messageItem(open.id, 'in_progress'), open.outputIndex);
    }
    const wanted = kind === 'text' ? 'output_text' : 'refusal';
    if (open.current?.type !== wanted) {
      this.#closePart(open);
      const part: OutputTextPart | RefusalPart = kind === 'text' ? outputText('') : { type: 'refusal', refusal: '' };
      open.parts.push(part);
      open.current = part;
      this.#emit('response.content_part.added', { ...this.#partIds(open), part: { ...part } });
    }
    const part = open.current;
    const ids = this.#partIds(open);
    if (part?.type === 'output_text') {
      part.text += text;
      this.#emit('response.output_text.delta', { ...ids, delta: text, logprobs: [] });
    } else if (part?.type === 'refusal') {
      part.refusal += text;
      this.#emit('response.refusal.delta', { ...ids, delta: text });
    }
  }

  #partIds(open: OpenMessage): { item_id: string; output_index: number; content_index: number } {
    return { item_id: open.id, output_index: open.outputIndex, content_index: Math.max(0, open.parts.length - 1) };
  }

  #closePart(open: OpenMessage): void {
    const part = open.current;
    if (part === undefined) return;
    const ids = this.#partIds(open);
    if (part.type === 'output_text') this.#emit('response.output_text.done', { ...ids, text: part.text, logprobs: [] });
    else this.#emit('response.refusal.done', { ...ids, refusal: part.refusal });
    this.#emit('response.content_part.done', { ...ids, part: { ...part } });
    open.current = undefined;
  }

  #closeMessage(open: OpenMessage): void {
    this.#closePart(open);
    const item = messageItem(open.id, this.#finish === 'length' || this.#finish === 'content_filter' ? 'incomplete' : 'completed');
    item.content = open.parts;
    this.#done(item, open.outputIndex);
  }

  #toolCall(delta: ToolCallDelta): void {
    let call = this.#calls.get(delta.index);
    if (call === undefined) {
      this.#closeOpenItem();
      const name = delta.function?.name ?? '';
      const custom = this.#turn.customNames.has(name);
      call = {
        id: newItemId(custom ? 'custom_tool_call' : 'function_call'),
        outputIndex: this.#nextOutputIndex++,
        callId: delta.id ?? '',
        name,
        arguments: '',
        custom,
      };
      this.#calls.set(delta.index, call);
      const item: ResponseItem = custom
        ? { type: 'custom_tool_call', id: call.id, call_id: call.callId, name, input: '' }
        : { type: 'function_call', id: call.id, call_id: call.callId, name, arguments: '', status: 'in_progress' };
      this.#added(item, call.outputIndex);
    }
    const fragment = delta.function?.arguments ?? '';
    if (fragment === '') return;
    call.arguments += fragment;
    if (!call.custom) this.#emit('response.function_call_arguments.delta', { item_id: call.id, output_index: call.outputIndex, delta: fragment });
  }

  #closeCalls(): void {
    for (const call of this.#calls.values()) {
      const ids = { item_id: call.id, output_index: call.outputIndex };
      if (call.custom) {
        const input = customInput(call.arguments);
        if (input !== '') this.#emit('response.custom_tool_call_input.delta', { ...ids, delta: input });
        this.#emit('response.custom_tool_call_input.done', { ...ids, input });
      } else {
        this.#emit('response.function_call_arguments.done', { ...ids, name: call.name, arguments: call.arguments });
      }
      const item = toolCallItem(
        { id: call.callId, type: 'function', function: { name: call.name, arguments: call.arguments } },
        this.#turn.customNames,
        call.id,
      );
      this.#done(item, call.outputIndex);
    }
    this.#calls.clear();
  }

  /** Ends the open reasoning or message item, if any. */
  #closeOpenItem(): void {
    const open = this.#open;
    this.#open = undefined;
    if (open?.kind === 'reasoning') this.#closeReasoning(open);
    else if (open?.kind === 'message') this.#closeMessage(open);
  }

  /** Ends every open item, in output order (tool calls come after the item they followed). */
  #closeAll(): void {
    this.#closeOpenItem();
    this.#closeCalls();
  }
}
