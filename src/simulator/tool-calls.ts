/**
 * @module Simulated tool calls, whatever the wire format: which tools a request lets the model call, the calls a
 * reply makes (deterministic arguments built from each tool's schema, or exactly the calls the `toolCall` knob
 * scripts), their token cost and how streams split their arguments.
 */

import { isRecord } from '../core/guards.js';
import { valueFromSchema } from './schema-value.js';
import { estimateTextTokens, splitText } from './text.js';

/** A function tool offered by the request, in wire-neutral terms. */
export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments; `undefined` when the tool takes none. */
  parameters: unknown;
}

/** One call the simulated model makes. Wire formats add ids (`call_…`, `toolu_…`) when they answer. */
export interface ToolCallOut {
  name: string;
  /** The arguments as an object (Anthropic `input`, Gemini `args`). */
  input: Record<string, unknown>;
  /** `JSON.stringify(input)` (OpenAI `arguments`, the text streams split). */
  arguments: string;
}

/**
 * A call the `toolCall` knob scripts: the reply calls this tool with exactly these arguments instead of inventing
 * them from its schema (a real agent runs what it is told to, so its tests must choose the command).
 */
export interface ScriptedToolCall {
  name: string;
  arguments: Readonly<Record<string, unknown>>;
}

/** The tools a reply calls and how many calls it may make at once. */
export interface ToolPlan {
  callable: readonly ToolSpec[];
  maxParallelCalls: number;
}

/** The plan of a request that offers no tools. */
export const NO_TOOLS: ToolPlan = Object.freeze({
  callable: Object.freeze([]),
  maxParallelCalls: Number.POSITIVE_INFINITY,
});

/** Largest arguments fragment in a stream; short arguments are still split in two. */
const FRAGMENT_CHARS = 8;

/**
 * `count` calls, cycling through `tools` in order (all to the same tool when only one is callable). Call k fills
 * its string arguments starting at word `offset + k`, so parallel calls (and choices) differ.
 */
export function planToolCalls(tools: readonly ToolSpec[], count: number, words: readonly string[], offset = 0): ToolCallOut[] {
  const calls: ToolCallOut[] = [];
  if (tools.length === 0) return calls;
  for (let k = 0; k < count; k++) {
    const tool = tools[k % tools.length];
    if (tool === undefined) break;
    const value = tool.parameters === undefined ? {} : valueFromSchema(tool.parameters, words, offset + k);
    const input = isRecord(value) ? value : {};
    calls.push({ name: tool.name, input, arguments: JSON.stringify(input) });
  }
  return calls;
}

/**
 * The scripted calls whose tool the request lets the model call, in knob order, at most `maxCalls` of them. Empty
 * when none is offered: the reply is then text, never a call with invented arguments.
 */
export function scriptedToolCalls(tools: readonly ToolSpec[], scripted: readonly ScriptedToolCall[], maxCalls: number): ToolCallOut[] {
  const calls: ToolCallOut[] = [];
  for (const call of scripted) {
    if (calls.length >= maxCalls) break;
    if (!tools.some((tool) => tool.name === call.name)) continue;
    const input = structuredClone(call.arguments);
    calls.push({ name: call.name, input, arguments: JSON.stringify(input) });
  }
  return calls;
}

/**
 * Reads the `toolCall` knob: one `{name, arguments}` call or a list of them (made together, as parallel calls);
 * `null` or `[]` turns it off.
 * @returns the calls, or why the value is unacceptable.
 */
export function parseScriptedToolCalls(value: unknown): { calls: ScriptedToolCall[] } | { error: string } {
  if (value === null) return { calls: [] };
  const list = Array.isArray(value) ? value : [value];
  const calls: ScriptedToolCall[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name.length === 0 || !isRecord(entry.arguments)) {
      return { error: 'must be {name: non-empty string, arguments: object}, a list of them, or null' };
    }
    calls.push({ name: entry.name, arguments: structuredClone(entry.arguments) });
  }
  return { calls };
}

/** Output tokens of one call: one for the name plus the arguments at ceil(chars / 4). */
export function toolCallTokens(call: ToolCallOut): number {
  return 1 + estimateTextTokens(call.arguments);
}

/** The arguments text in stream fragments: at least two (when it has two characters), each ≤ 8 characters. */
export function argumentFragments(json: string): string[] {
  return splitText(json, Math.max(1, Math.min(FRAGMENT_CHARS, Math.ceil(json.length / 2))));
}

/**
 * Narrows offered tools to those a tool choice allows: `undefined` names means all of them. Returns the names
 * that matched no tool, so the format can answer the 400 its provider would.
 */
export function selectTools(tools: readonly ToolSpec[], names: readonly string[] | undefined): { tools: ToolSpec[]; unknown: string[] } {
  if (names === undefined) return { tools: [...tools], unknown: [] };
  const selected = tools.filter((tool) => names.includes(tool.name));
  return { tools: selected, unknown: names.filter((name) => !tools.some((tool) => tool.name === name)) };
}
