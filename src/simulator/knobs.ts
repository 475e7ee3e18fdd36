/**
 * @module Simulator knobs: latency, token pace and fault injection, set per upstream model name with `'*'` as the
 * layer that applies to every model. Resolution order is built-in defaults ← start-up defaults ← `'*'` ← model.
 */

import { isRecord } from '../core/guards.js';
import { parseScriptedToolCalls, type ScriptedToolCall } from './tool-calls.js';

/** Behaviour of the simulated upstream for one model. */
export interface SimulatorKnobs {
  /** Delay before response headers (non-stream) or before the first event (stream), in ms. */
  latencyMs: number;
  /** Extra delay before the first token of a stream, in ms. */
  ttftMs: number;
  /** Streaming pace in tokens per second; 0 writes the whole stream at once with no timers. */
  tokensPerSecond: number;
  /** Probability (0..1) that a request fails with `errorStatus` instead of answering. */
  errorRate: number;
  /** HTTP status of failures drawn by `errorRate` (e.g. 500, 429, 503, 529). */
  errorStatus: number;
  /** Natural reply length in output tokens; a smaller max-tokens value in the request cuts it. */
  outputTokens: number;
  /** Streams only: answer 200, send a few events, then an in-band error event, then end the response. */
  midStreamError: boolean;
  /** How many tool calls one reply makes when the request offers tools (capped to 1 when it disables parallel calls). */
  parallelToolCalls: number;
  /** Reasoning tokens generated before the answer (`reasoning_content`, `thinking` block, `thought: true` parts). */
  reasoningTokens: number;
  /** The model refuses: OpenAI `message.refusal`, Anthropic `stop_reason: "refusal"`, Gemini a blocked prompt. */
  refuse: boolean;
  /** Prompt tokens reported as read from the provider's prompt cache (capped at the prompt size). */
  cachedPromptTokens: number;
  /**
   * Scripted tool calls (empty = off): when the request offers a tool named here, the reply calls exactly the
   * offered ones with exactly these arguments; when it offers none of them, the reply is text. Set as one
   * `{name, arguments}` object or a list; `parallelToolCalls` does not apply.
   */
  toolCall: readonly ScriptedToolCall[];
}

/** The knobs every model starts with unless overridden. */
export const DEFAULT_KNOBS: Readonly<SimulatorKnobs> = Object.freeze({
  latencyMs: 0,
  ttftMs: 0,
  tokensPerSecond: 0,
  errorRate: 0,
  errorStatus: 500,
  outputTokens: 24,
  midStreamError: false,
  parallelToolCalls: 1,
  reasoningTokens: 0,
  refuse: false,
  cachedPromptTokens: 0,
  toolCall: [],
});

/** The model key whose knobs apply to every model. */
export const ALL_MODELS = '*';

const MAX_CACHED_MODELS = 1024;

type KnobName = keyof SimulatorKnobs;

const NUMBER_KNOBS: ReadonlySet<string> = new Set<KnobName>([
  'latencyMs',
  'ttftMs',
  'tokensPerSecond',
  'errorRate',
  'errorStatus',
  'outputTokens',
  'parallelToolCalls',
  'reasoningTokens',
  'cachedPromptTokens',
]);

const BOOLEAN_KNOBS: ReadonlySet<string> = new Set<KnobName>(['midStreamError', 'refuse']);

/** Knobs that count tokens or calls, so must be whole numbers. */
const INTEGER_KNOBS: ReadonlySet<string> = new Set<KnobName>(['outputTokens', 'parallelToolCalls', 'reasoningTokens', 'cachedPromptTokens']);

/** Why one knob value is unacceptable, or `undefined` when it is fine. */
function knobProblem(name: string, value: unknown): string | undefined {
  if (BOOLEAN_KNOBS.has(name)) return typeof value === 'boolean' ? undefined : 'must be a boolean';
  if (!NUMBER_KNOBS.has(name)) return 'is not a known knob';
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 'must be a finite number ≥ 0';
  if (name === 'errorRate' && value > 1) return 'must be between 0 and 1';
  if (name === 'errorStatus' && (!Number.isInteger(value) || value < 400 || value > 599)) {
    return 'must be an integer HTTP error status (400-599)';
  }
  if (INTEGER_KNOBS.has(name) && !Number.isInteger(value)) return 'must be an integer';
  if (name === 'parallelToolCalls' && value < 1) return 'must be at least 1';
  return undefined;
}

/**
 * Checks a partial knob object coming from outside (HTTP body or API caller). `toolCall` may be one call, a list
 * or null; the patch always holds the list.
 * @returns the validated patch, or a message naming the first bad field.
 */
export function parseKnobPatch(value: unknown): { patch: Partial<SimulatorKnobs> } | { error: string } {
  if (!isRecord(value)) return { error: 'knobs must be a JSON object' };
  const patch: Record<string, unknown> = {};
  for (const [name, knob] of Object.entries(value)) {
    if (knob === undefined) continue;
    if (name === 'toolCall') {
      const scripted = parseScriptedToolCalls(knob);
      if ('error' in scripted) return { error: `${name} ${scripted.error}` };
      patch[name] = scripted.calls;
      continue;
    }
    const problem = knobProblem(name, knob);
    if (problem !== undefined) return { error: `${name} ${problem}` };
    patch[name] = knob;
  }
  // Every key was checked against the knob names and value types above.
  return { patch: patch as Partial<SimulatorKnobs> };
}

/** Layered knob storage with a per-model cache of the resolved values (resolution is on the hot path). */
export class KnobStore {
  private readonly base: SimulatorKnobs;
  private readonly layers = new Map<string, Partial<SimulatorKnobs>>();
  private readonly resolved = new Map<string, SimulatorKnobs>();

  constructor(defaults: Partial<SimulatorKnobs> = {}) {
    this.base = { ...DEFAULT_KNOBS, ...this.validated(defaults) };
  }

  /** Merges `patch` into the layer of `model` (`'*'` for all models). Throws RangeError on a bad value. */
  set(model: string, patch: Partial<SimulatorKnobs>): void {
    const layer = this.layers.get(model) ?? {};
    this.layers.set(model, { ...layer, ...this.validated(patch) });
    this.resolved.clear();
  }

  /** Drops every `set` layer, back to the start-up defaults. */
  reset(): void {
    this.layers.clear();
    this.resolved.clear();
  }

  /** The effective knobs for one upstream model. */
  resolve(model: string): SimulatorKnobs {
    const cached = this.resolved.get(model);
    if (cached !== undefined) return cached;
    const knobs = Object.freeze({ ...this.base, ...this.layers.get(ALL_MODELS), ...this.layers.get(model) });
    // Model names come from clients; bound the cache so a stream of made-up names cannot grow it forever.
    if (this.resolved.size >= MAX_CACHED_MODELS) this.resolved.clear();
    this.resolved.set(model, knobs);
    return knobs;
  }

  /** The start-up defaults and every layer, for `GET /_sim/knobs`. */
  snapshot(): { defaults: SimulatorKnobs; models: Record<string, Partial<SimulatorKnobs>> } {
    return { defaults: { ...this.base }, models: Object.fromEntries(this.layers) };
  }

  private validated(patch: Partial<SimulatorKnobs>): Partial<SimulatorKnobs> {
    const result = parseKnobPatch(patch);
    if ('error' in result) throw new RangeError(`Invalid simulator knob: ${result.error}`);
    return result.patch;
  }
}
