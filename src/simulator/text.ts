/**
 * @module The deterministic "model": reply text derived from the request, and the one token estimator used for
 * every usage number the simulator reports.
 *
 * Token rules (simple on purpose, so tests can compute expected usage by hand):
 * - a prompt costs, per message (the system prompt counts as one), `ceil(chars / 4) + 3`;
 * - one output token is one word piece of the reply: the first word bare, every later word with its leading space.
 */

/** Why generation ended, before each wire format maps it to its own finish reason. */
export type FinishCause = 'end' | 'max_tokens' | 'stop_sequence';

/** What the simulated model produced for one request. */
export interface Completion {
  /** The reply split into output tokens; streams send one piece per content event. */
  pieces: string[];
  /** `pieces.join('')`. */
  text: string;
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
}

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

function sourceWords(lastUserText: string): string[] {
  const words = lastUserText.split(/\s+/, MAX_SOURCE_WORDS + 1).filter((word) => word.length > 0);
  return words.length > 0 ? words.slice(0, MAX_SOURCE_WORDS) : FILLER_WORDS;
}

/** The first `count` word pieces of "Simulated reply from <model>: w1 w2 … w1 w2 …". */
function replyPieces(model: string, lastUserText: string, count: number): string[] {
  const prefix = ['Simulated', 'reply', 'from', `${model}:`];
  const words = sourceWords(lastUserText);
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = i < prefix.length ? prefix[i] : words[(i - prefix.length) % words.length];
    pieces.push(i === 0 ? (word ?? '') : ` ${word ?? ''}`);
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
 * Generates the reply: `outputTokens` pieces long, cut to `maxTokens` (finish `max_tokens`) and then before the
 * first stop sequence (finish `stop_sequence`, the stop text itself left out as the real APIs do).
 */
export function generateCompletion(input: CompletionInput): Completion {
  const natural = Math.max(0, Math.floor(input.outputTokens));
  const limit = input.maxTokens === undefined ? natural : Math.min(natural, input.maxTokens);
  let pieces = replyPieces(input.model, input.lastUserText, limit);
  let finish: FinishCause = limit < natural ? 'max_tokens' : 'end';
  let stopSequence: string | null = null;
  let text = pieces.join('');

  const stop = input.stopSequences.length > 0 ? findStop(text, input.stopSequences) : undefined;
  if (stop !== undefined) {
    pieces = cutPieces(pieces, stop.index);
    text = text.slice(0, stop.index);
    finish = 'stop_sequence';
    stopSequence = stop.sequence;
  }
  return { pieces, text, completionTokens: pieces.length, finish, stopSequence };
}
