/**
 * @module A streamed answer put back together as the completion it amounts to, so it can be cached like a JSON one
 * and replayed either way: per choice, the text, reasoning text and refusal concatenated, each tool call's id, name
 * and argument pieces joined by the call's index, Claude's complete `reasoning_details` entries in order, and the
 * finish reason. It holds at most `maxChars` characters of output; past that it gives up (the answer is too large
 * to cache) and frees what it held, so a long stream costs no more memory for being cached.
 */
import type { ReasoningDetail } from '../core/chat-request.js';
import type { AssistantMessage, ChatCompletion, Choice, ChatCompletionChunk, FinishReason, ToolCall, Usage } from '../core/chat-response.js';

/** One choice as its deltas arrive. */
interface ChoiceParts {
  content: string;
  sawContent: boolean;
  reasoning: string;
  refusal: string | null;
  calls: Map<number, ToolCall>;
  details: ReasoningDetail[];
  finish: FinishReason | null;
}

/** Collects one stream's chunks; {@link CompletionAssembler.completion} builds the completion at the end. */
export class CompletionAssembler {
  readonly #maxChars: number;
  #head: Pick<ChatCompletionChunk, 'id' | 'created' | 'model' | 'system_fingerprint'> | undefined;
  #choices = new Map<number, ChoiceParts>();
  #chars = 0;
  #overflowed = false;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Takes the chunks of one stream step, in order. */
  add(chunks: readonly ChatCompletionChunk[]): void {
    if (this.#overflowed) return;
    for (const chunk of chunks) {
      this.#head ??= { id: chunk.id, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint };
      for (const { index, delta, finish_reason: finish } of chunk.choices) {
        const parts = this.#choice(index);
        if (typeof delta.content === 'string') {
          parts.sawContent = true;
          parts.content += this.#count(delta.content);
        }
        if (delta.reasoning_content) parts.reasoning += this.#count(delta.reasoning_content);
        if (delta.refusal) parts.refusal = (parts.refusal ?? '') + this.#count(delta.refusal);
        for (const detail of delta.reasoning_details ?? []) {
          this.#count(detail.type === 'reasoning.text' ? detail.text + (detail.signature ?? '') : detail.data);
          parts.details.push(detail);
        }
        for (const call of delta.tool_calls ?? []) {
          let whole = parts.calls.get(call.index);
          if (whole === undefined) {
            whole = { id: '', type: 'function', function: { name: '', arguments: '' } };
            parts.calls.set(call.index, whole);
          }
          if (call.id) whole.id = call.id;
          if (call.function?.name) whole.function.name += this.#count(call.function.name);
          if (call.function?.arguments) whole.function.arguments += this.#count(call.function.arguments);
        }
        if (finish !== null) parts.finish = finish;
      }
      if (this.#chars > this.#maxChars) {
        this.#overflowed = true;
        this.#choices = new Map();
        return;
      }
    }
  }

  /**
   * The completion the stream amounted to, with `usage`; undefined when it was too large, had no chunk, or a choice
   * never finished (the stream was cut).
   */
  completion(usage: Usage): ChatCompletion | undefined {
    const head = this.#head;
    if (this.#overflowed || head === undefined) return undefined;
    const choices: Choice[] = [];
    for (const [index, parts] of [...this.#choices.entries()].sort(([a], [b]) => a - b)) {
      if (parts.finish === null) return undefined;
      choices.push({ index, message: message(parts), logprobs: null, finish_reason: parts.finish });
    }
    const completion: ChatCompletion = { id: head.id, object: 'chat.completion', created: head.created, model: head.model, choices, usage };
    if (head.system_fingerprint !== undefined) completion.system_fingerprint = head.system_fingerprint;
    return completion;
  }

  #choice(index: number): ChoiceParts {
    let parts = this.#choices.get(index);
    if (parts === undefined) {
      parts = { content: '', sawContent: false, reasoning: '', refusal: null, calls: new Map(), details: [], finish: null };
      this.#choices.set(index, parts);
    }
    return parts;
  }

  #count(text: string): string {
    this.#chars += text.length;
    return text;
  }
}

/** The message of one choice: `content` is null when it said nothing but tool calls or a refusal. */
function message(parts: ChoiceParts): AssistantMessage {
  const calls = [...parts.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  const empty = parts.content === '' && (calls.length > 0 || parts.refusal !== null || !parts.sawContent);
  const built: AssistantMessage = { role: 'assistant', content: empty ? null : parts.content, refusal: parts.refusal };
  if (calls.length > 0) built.tool_calls = calls;
  if (parts.reasoning !== '') built.reasoning_content = parts.reasoning;
  if (parts.details.length > 0) built.reasoning_details = parts.details;
  return built;
}
