/**
 * @module A streamed answer from a model that is not Claude, as Anthropic's event grammar: `message_start` (and a
 * `ping`), then per content block `content_block_start`, its deltas (`thinking_delta`, `signature_delta`,
 * `text_delta`, `input_json_delta`) and `content_block_stop`, then `message_delta` with the stop reason and the
 * settled usage, and `message_stop`. Blocks follow the canonical deltas as they come: reasoning opens a thinking
 * block, text a text block, each new tool call a `tool_use` block; a block of another kind closes the open one.
 * Claude's complete reasoning details (a signature, a redacted block) close or make their own blocks.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ReasoningDetail, Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { ChatStreamEncoder, OutboundEvent } from '../../pipeline/index.js';
import { anthropicErrorBody } from './errors.js';
import { toAnthropicStopReason, type AnthropicContentBlock, type MessageStamp } from './message.js';
import { toAnthropicUsage } from './usage.js';

type BlockKind = 'thinking' | 'text' | 'tool_use';

/** The stream's state: what was started, the open block, and where each tool call's block is. */
interface TranslatedState {
  started: boolean;
  /** Index of the last block started; -1 before the first. */
  last: number;
  open: { kind: BlockKind; index: number } | undefined;
  /** Block index of each tool call, by its index among the answer's tool calls. */
  tools: Map<number, number>;
  finish: FinishReason | null;
}

/** The encoder of one translated stream; `model` names the model that answered (the catalog id). */
export function translatedStreamEncoder(stamp: MessageStamp, model: () => string): ChatStreamEncoder {
  const state: TranslatedState = { started: false, last: -1, open: undefined, tools: new Map(), finish: null };
  const out: OutboundEvent[] = [];
  const emit = (event: string, data: Record<string, unknown>): void => {
    out.push({ event, data: { type: event, ...data } });
  };
  const start = (): void => {
    if (state.started) return;
    state.started = true;
    const usage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
    const message = { id: stamp.id, type: 'message', role: 'assistant', model: model(), content: [], stop_reason: null, stop_sequence: null, usage };
    emit('message_start', { message });
    emit('ping', {});
  };
  const close = (): void => {
    if (state.open === undefined) return;
    emit('content_block_stop', { index: state.open.index });
    state.open = undefined;
  };
  const open = (kind: BlockKind, block: AnthropicContentBlock): number => {
    close();
    state.last += 1;
    emit('content_block_start', { index: state.last, content_block: block });
    state.open = { kind, index: state.last };
    return state.last;
  };
  const delta = (index: number, data: Record<string, unknown>): void => emit('content_block_delta', { index, delta: data });

  const onReasoningDetail = (detail: ReasoningDetail): void => {
    if (detail.format !== 'anthropic') return;
    if (detail.type === 'reasoning.encrypted') {
      open('thinking', { type: 'redacted_thinking', data: detail.data });
      close();
      return;
    }
    // Its text streamed already as reasoning deltas when a thinking block is open: only the signature is new.
    let index = state.open?.kind === 'thinking' ? state.open.index : undefined;
    if (index === undefined) {
      index = open('thinking', { type: 'thinking', thinking: '', signature: '' });
      if (detail.text !== '') delta(index, { type: 'thinking_delta', thinking: detail.text });
    }
    if (detail.signature) delta(index, { type: 'signature_delta', signature: detail.signature });
    close();
  };

  const onDelta = (d: ChunkDelta): void => {
    if (d.reasoning_content && !stamp.omitThinking) {
      const index = state.open?.kind === 'thinking' ? state.open.index : open('thinking', { type: 'thinking', thinking: '', signature: '' });
      delta(index, { type: 'thinking_delta', thinking: d.reasoning_content });
    }
    if (!stamp.omitThinking) for (const detail of d.reasoning_details ?? []) onReasoningDetail(detail);
    for (const text of [d.content, d.refusal]) {
      if (!text) continue;
      const index = state.open?.kind === 'text' ? state.open.index : open('text', { type: 'text', text: '' });
      delta(index, { type: 'text_delta', text });
    }
    for (const call of d.tool_calls ?? []) {
      let index = state.tools.get(call.index);
      if (index === undefined) {
        index = open('tool_use', { type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: {} });
        state.tools.set(call.index, index);
      }
      const args = call.function?.arguments;
      if (args) delta(index, { type: 'input_json_delta', partial_json: args });
    }
  };

  return {
    step(chunks: readonly ChatCompletionChunk[]) {
      out.length = 0;
      for (const chunk of chunks) {
        start();
        for (const choice of chunk.choices) {
          if (choice.index !== 0) continue;
          onDelta(choice.delta);
          if (choice.finish_reason !== null) state.finish = choice.finish_reason;
        }
      }
      return out.splice(0);
    },
    end(usage: Usage) {
      out.length = 0;
      start();
      close();
      emit('message_delta', { delta: { stop_reason: toAnthropicStopReason(state.finish), stop_sequence: null }, usage: toAnthropicUsage(usage) });
      emit('message_stop', {});
      return out.splice(0);
    },
    error(error: GatewayError) {
      return [{ event: 'error', data: anthropicErrorBody(error) }];
    },
  };
}
