/**
 * @module A cached completion as the stream chunks a model would have sent for it, for a hit asked as a stream: each
 * door's stream encoder turns them into its own events exactly as it does a live stream. Per choice, in order: the
 * role, the reasoning (Claude's thinking block by block — each block's text then its signed `reasoning_details`
 * entry, as Claude's adapter streams them, so a door rebuilds the same blocks), the text, the refusal, each tool call
 * whole, and the finish reason. Whole parts rather than token-sized pieces: nothing is gained by slicing text the
 * gateway already has.
 */
import type { ReasoningDetail } from '../core/chat-request.js';
import type { AssistantMessage, ChatCompletion, ChatCompletionChunk, ChunkChoice, ChunkDelta } from '../core/chat-response.js';

/** The chunks of `completion`, all with its id, creation time and model. */
export function replayChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  const push = (choice: ChunkChoice): void => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      choices: [choice],
    };
    if (completion.system_fingerprint !== undefined) chunk.system_fingerprint = completion.system_fingerprint;
    chunks.push(chunk);
  };
  for (const { index, message, finish_reason: finish } of completion.choices) {
    const delta = (part: ChunkDelta): void => push({ index, delta: part, finish_reason: null });
    delta({ role: 'assistant', content: '' });
    for (const part of reasoningDeltas(message)) delta(part);
    if (message.content) delta({ content: message.content });
    if (message.refusal) delta({ refusal: message.refusal });
    (message.tool_calls ?? []).forEach((call, at) => {
      delta({
        tool_calls: [{ index: at, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }],
      });
    });
    push({ index, delta: {}, finish_reason: finish });
  }
  return chunks;
}

/**
 * The reasoning deltas: block by block when the signed entries hold the whole reasoning text (Claude's thinking, as
 * streamed), else the text and then the entries (reasoning of a model without them, or text not from its blocks).
 */
function reasoningDeltas(message: AssistantMessage): ChunkDelta[] {
  const text = message.reasoning_content ?? '';
  const details = message.reasoning_details ?? [];
  if (details.length > 0 && blockTexts(details) === text) {
    return details.flatMap((detail): ChunkDelta[] =>
      detail.type === 'reasoning.text' && detail.text !== ''
        ? [{ reasoning_content: detail.text }, { reasoning_details: [detail] }]
        : [{ reasoning_details: [detail] }],
    );
  }
  const deltas: ChunkDelta[] = [];
  if (text !== '') deltas.push({ reasoning_content: text });
  for (const detail of details) deltas.push({ reasoning_details: [detail] });
  return deltas;
}

function blockTexts(details: readonly ReasoningDetail[]): string {
  return details.map((detail) => (detail.type === 'reasoning.text' ? detail.text : '')).join('');
}
