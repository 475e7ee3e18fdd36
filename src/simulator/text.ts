/**
 * @module The deterministic "model": reply text derived from the request, and the one token estimator used for
 * every usage number the simulator reports.
 *
 * Token rules (simple on purpose, so tests can compute expected usage by hand):
 * - a prompt costs, per message (the system prompt counts as one), `ceil(chars / 4) + 3`;
 * - one output token is one word piece of the reply: the first word bare, every later word with its leading space.
 */

import type { ToolCallOut } from './tool-calls.js';

/** Why generation ended, before each wire format maps it to its own finish reason. */
export type FinishCause = 'end' | 'max_tokens' | 'stop_sequence' | 'tool_calls' | 'refusal';

/** What the simulated model produced for one choice (candidate) of a request. */
export interface Completion {
  /**
   * The visible reply split into output tokens; streams send one piece per content event. With `finish`
   * `refusal` these are the words of the refusal.
   */
  pieces: string[];
  /** `pieces.join('')`. */
  text: string;
  /** Reasoning pieces produced before the reply (one token each); empty without the `reasoningTokens` knob. */
  reasoning: readonly string[];
  /** Tool calls, in order; non-empty exactly when `finish` is `tool_calls` (then `pieces` is empty). */
  toolCalls: readonly ToolCallOut[];
  /** Every output token: reasoning, reply pieces and tool calls. */
  completionTokens: number;
  finish: FinishCause;
  /** The stop sequence that ended the reply, when `finish` is `stop_sequence`. */
  stopSequence: string | null;
}

/** What generation needs from a request, whatever its wire format. */
export interface CompletionInput {
  model: string;
  /** Text of the last user message; its words are cycled to fill the reply. */
  lastUserText: string;
  /** Natural reply length in tokens (the `outputTokens` knob). */
  outputTokens: number;
  /** Max output tokens the request asked for, if any. */
  maxTokens: number | undefined;
  stopSequences: readonly string[];
  /** Words said after the model name, before the cycled words (e.g. `I see 2 images.`). */
  lead?: readonly string[];
  /** Choice index: choice k starts cycling the words k words later, so choices differ. */
  candidateIndex?: number;
}

/** Shared empty list for completions without reasoning or tool calls (never mutated). */
export const NOTHING: readonly never[] = Object.freeze([]);

/** Words used when the last user message has no text (e.g. only an image). */
const FILLER_WORDS = ['Hello', 'from', 'the', 'OriginalPoint', 'simulator.'];
/** Only this many distinct words are taken from the user message; long prompts are cycled from their start. */
const MAX_SOURCE_WORDS = 256;
/** Per-message overhead, like OpenAI's chat-format tokens. */
const TOKENS_PER_MESSAGE = 3;

/** Tokens for a run of text: ceil(chars / 4). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Prompt tokens for a list of message texts (system prompt included as one entry). */
export function estimatePromptTokens(messageTexts: readonly string[]): number {
  let total = 0;
  for (const text of messageTexts) total += estimateTextTokens(text) + TOKENS_PER_MESSAGE;
  return total;
}

/** The words a reply (or a tool argument) is built from: those of `text`, or filler words when it has none. */
export function sourceWords(text: string): string[] {
  const words = text.split(/\s+/, MAX_SOURCE_WORDS + 1).filter((word) => word.length > 0);
  return words.length > 0 ? words.slice(0, MAX_SOURCE_WORDS) : FILLER_WORDS;
}

/** Word pieces: the first bare, every later one with its leading space. */
function joinPieces(count: number, wordAt: (index: number) => string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) pieces.push(i === 0 ? wordAt(0) : ` ${wordAt(i)}`);
  return pieces;
}

/** The first `count` word pieces of "Simulated reply from <model>: <lead> w1 w2 … w1 w2 …". */
function replyPieces(input: CompletionInput, count: number): string[] {
  const prefix = ['Simulated', 'reply', 'from', `${input.model}:`, ...(input.lead ?? NOTHING)];
  const words = sourceWords(input.lastUserText);
  const shift = input.candidateIndex ?? 0;
  return joinPieces(count, (i) => (i < prefix.length ? (prefix[i] ?? '') : (words[(i - prefix.length + shift) % words.length] ?? '')));
}

/** `count` reasoning pieces: "Thinking about: w1 w2 …", cycling the words of `text`. */
export function reasoningPieces(text: string, count: number): string[] {
  const prefix = ['Thinking', 'about:'];
  const words = sourceWords(text);
  return joinPieces(count, (i) => (i < prefix.length ? (prefix[i] ?? '') : (words[(i - prefix.length) % words.length] ?? '')));
}

/** Splits text into pieces of at most `size` UTF-16 units without cutting a surrogate pair in two. */
export function splitText(text: string, size: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Earliest match of any stop sequence in `text`, or `undefined`. Empty sequences never match. */
function findStop(text: string, stopSequences: readonly string[]): { index: number; sequence: string } | undefined {
  let best: { index: number; sequence: string } | undefined;
  for (const sequence of stopSequences) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (best === undefined || index < best.index)) best = { index, sequence };
  }
  return best;
}

/** Keeps the pieces that lie before character `cut`, trimming the one that straddles it. */
function cutPieces(pieces: readonly string[], cut: number): string[] {
  const kept: string[] = [];
  let offset = 0;
  for (const piece of pieces) {
    if (offset >= cut) break;
    kept.push(offset + piece.length <= cut ? piece : piece.slice(0, cut - offset));
    offset += piece.length;
  }
  return kept;
}

/**
 * A text completion from pieces already cut to the token limit (`cut` says whether they were): then cut
 * before the first stop sequence (finish `stop_sequence`, the stop text itself left out as the real APIs do).
 */
export function finishText(pieces: string[], cut: boolean, stopSequences: readonly string[]): Completion {
  let finish: FinishCause = cut ? 'max_tokens' : 'end';
  let stopSequence: string | null = null;
  let text = pieces.join('');
  const stop = stopSequences.length > 0 ? findStop(text, stopSequences) : undefined;
  if (stop !== undefined) {
    pieces = cutPieces(pieces, stop.index);
    text = text.slice(0, stop.index);
    finish = 'stop_sequence';
    stopSequence = stop.sequence;
  }
  return { pieces, text, reasoning: NOTHING, toolCalls: NOTHING, completionTokens: pieces.length, finish, stopSequence };
}

/**
 * Generates the reply: `outputTokens` pieces long, cut to `maxTokens` (finish `max_tokens`) and then before the
 * first stop sequence (finish `stop_sequence`).
 */
export function generateCompletion(input: CompletionInput): Completion {
  const natural = Math.max(0, Math.floor(input.outputTokens));
  const limit = input.maxTokens === undefined ? natural : Math.max(0, Math.min(natural, input.maxTokens));
  return finishText(replyPieces(input, limit), limit < natural, input.stopSequences);
}
