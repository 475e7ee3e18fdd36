/**
 * @module Everything the simulated model produces for one request, before a wire format shapes it: one
 * completion per choice (text, JSON, tool calls or a refusal, each optionally after reasoning) and the usage
 * totals. A plain text request (one choice, no tools, no knobs) takes one `generateCompletion` call and nothing
 * else.
 */

import type { SimulatorKnobs } from './knobs.js';
import type { PromptCacheUse } from './prompt-cache.js';
import { valueFromSchema } from './schema-value.js';
import { finishText, generateCompletion, NOTHING, reasoningPieces, sourceWords, splitText, type Completion, type CompletionInput } from './text.js';
import { planToolCalls, scriptedToolCalls, type ToolCallOut, toolCallTokens } from './tool-calls.js';
import type { SimCall } from './wire-format.js';

/** The simulated model's answer to one request. */
export interface Reply {
  /** One completion per requested choice (`n` / `candidateCount`), in index order. */
  choices: Completion[];
  /**
   * Prompt tokens read from the cache: the prefix the request marked when it was cached before (see
   * `prompt-cache.ts`), else the `cachedPromptTokens` knob, capped at the prompt size.
   */
  cachedTokens: number;
  /** Prompt tokens written to the cache: the prefix the request marked, the first time. */
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written for one hour. */
  cacheWrite1hTokens: number;
  /** Output tokens of every choice together (reasoning included), as the providers bill them. */
  completionTokens: number;
  /** Reasoning tokens of every choice together. */
  reasoningTokens: number;
  /** The `refuse` knob was on: every choice is a refusal (Gemini answers a blocked prompt). */
  refused: boolean;
}

/** What a refusing model says (OpenAI `message.refusal`). */
export const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
const REFUSAL_PIECES: readonly string[] = REFUSAL_TEXT.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`));
/** JSON text is streamed and counted in pieces of this many characters, about one token each. */
const JSON_PIECE_CHARS = 4;

/**
 * Generates every choice of the reply for a parsed call under the model's knobs; `cache` is what the call did with
 * the prompt cache, when it marked a prefix.
 */
export function generateReply(call: SimCall, knobs: SimulatorKnobs, cache?: PromptCacheUse): Reply {
  const choices: Completion[] = [];
  let completionTokens = 0;
  let reasoningTokens = 0;
  for (let index = 0; index < call.candidates; index++) {
    const choice = generateChoice(call, knobs, index);
    choices.push(choice);
    completionTokens += choice.completionTokens;
    reasoningTokens += choice.reasoning.length;
  }
  const cachedTokens = cache === undefined ? Math.min(knobs.cachedPromptTokens, call.promptTokens) : cache.readTokens;
  const cacheWriteTokens = cache?.writeTokens ?? 0;
  const cacheWrite1hTokens = cache?.write1hTokens ?? 0;
  return { choices, cachedTokens, cacheWriteTokens, cacheWrite1hTokens, completionTokens, reasoningTokens, refused: knobs.refuse };
}

function generateChoice(call: SimCall, knobs: SimulatorKnobs, index: number): Completion {
  if (knobs.refuse) return refusal();
  const reasoningTokens = knobs.reasoningTokens > 0 ? knobs.reasoningTokens : (call.thinkingTokens ?? 0);
  if (reasoningTokens === 0) return answer(call, knobs, index, call.maxTokens);
  // Reasoning comes first and counts against the max-tokens limit, as it does on every provider.
  const reasoning = reasoningPieces(call.lastUserText, Math.min(reasoningTokens, call.maxTokens ?? Infinity));
  if (reasoning.length < reasoningTokens) {
    return { ...finishText([], true, NOTHING), reasoning, completionTokens: reasoning.length };
  }
  const body = answer(call, knobs, index, call.maxTokens === undefined ? undefined : call.maxTokens - reasoning.length);
  return { ...body, reasoning, completionTokens: body.completionTokens + reasoning.length };
}

/** The part after any reasoning: tool calls, JSON or text. */
function answer(call: SimCall, knobs: SimulatorKnobs, index: number, maxTokens: number | undefined): Completion {
  const calls = plannedCalls(call, knobs, index);
  if (calls.length > 0) return toolCalls(calls);
  const input = completionInput(call, knobs, index, maxTokens);
  if (call.jsonOutput !== undefined) return jsonAnswer(input, call.jsonOutput.schema);
  return generateCompletion(input);
}

function completionInput(call: SimCall, knobs: SimulatorKnobs, index: number, maxTokens: number | undefined): CompletionInput {
  const input: CompletionInput = {
    model: call.model,
    lastUserText: call.toolResult ?? call.lastUserText,
    outputTokens: knobs.outputTokens,
    maxTokens,
    stopSequences: call.stopSequences,
  };
  if (index > 0) input.candidateIndex = index;
  const lead = leadWords(call);
  if (lead !== undefined) input.lead = lead;
  return input;
}

/** What the reply says before the cycled words: the tool result it saw and the images it was shown. */
function leadWords(call: SimCall): string[] | undefined {
  if (call.toolResult === undefined && call.lastTurnImages === 0) return undefined;
  const lead: string[] = [];
  if (call.toolResult !== undefined) lead.push('The', 'tool', 'returned:');
  const images = call.lastTurnImages;
  if (images > 0) lead.push('I', 'see', String(images), images === 1 ? 'image.' : 'images.');
  return lead;
}

/** The calls this choice makes: the `toolCall` knob's when it is set, else arguments invented from the schemas. */
function plannedCalls(call: SimCall, knobs: SimulatorKnobs, index: number): readonly ToolCallOut[] {
  if (call.callableTools.length === 0) return NOTHING;
  if (knobs.toolCall.length > 0) return scriptedToolCalls(call.callableTools, knobs.toolCall, call.maxParallelCalls);
  const count = Math.min(knobs.parallelToolCalls, call.maxParallelCalls);
  return planToolCalls(call.callableTools, count, sourceWords(call.lastUserText), index);
}

function toolCalls(calls: readonly ToolCallOut[]): Completion {
  let tokens = 0;
  for (const planned of calls) tokens += toolCallTokens(planned);
  return {
    pieces: [],
    text: '',
    reasoning: NOTHING,
    toolCalls: calls,
    completionTokens: tokens,
    finish: 'tool_calls',
    stopSequence: null,
  };
}

/**
 * JSON output: an object built from the schema, or `{"result": <the text reply>}` in plain JSON mode. A
 * max-tokens cut leaves the JSON unfinished, as a real model's would be.
 */
function jsonAnswer(input: CompletionInput, schema: unknown): Completion {
  const value =
    schema === undefined
      ? { result: generateCompletion({ ...input, maxTokens: undefined, stopSequences: NOTHING }).text }
      : valueFromSchema(schema, sourceWords(input.lastUserText), input.candidateIndex ?? 0);
  const pieces = splitText(JSON.stringify(value), JSON_PIECE_CHARS);
  const cut = input.maxTokens !== undefined && input.maxTokens < pieces.length;
  return finishText(cut ? pieces.slice(0, input.maxTokens) : pieces, cut, input.stopSequences);
}

function refusal(): Completion {
  return {
    pieces: [...REFUSAL_PIECES],
    text: REFUSAL_TEXT,
    reasoning: NOTHING,
    toolCalls: NOTHING,
    completionTokens: REFUSAL_PIECES.length,
    finish: 'refusal',
    stopSequence: null,
  };
}
