/**
 * @module Reads the requests the tap recorded, whatever the upstream format (OpenAI chat, OpenAI Responses,
 * Anthropic Messages, Gemini), into the few facts an agent run checks: which model was asked, which tools were
 * offered, and — on the turn that carries a tool result back — which call it answers, what the tool returned, and
 * the signed reasoning (Claude's thinking signatures, Gemini's thought signatures, encrypted reasoning) the
 * assistant turn before it kept; and from the answers, which signatures the upstream handed out.
 */

import { isRecord } from '../../src/core/guards.js';
import type { TapRecord } from './tap.js';

/** The tool round trip one upstream request carries. */
export interface ToolRoundTrip {
  toolName: string;
  /** The call's arguments as the upstream received them (an object). */
  arguments: unknown;
  /** What the tool returned, as text. */
  result: string;
  /** Signatures of the signed reasoning in the assistant turn that made the call (empty when none came back). */
  signatures: string[];
}

/** What one upstream request was. */
export interface UpstreamTurn {
  path: string;
  status: number | undefined;
  model: string | undefined;
  /** Names of the function tools offered. */
  tools: string[];
  /** Present when the request's last turn answers a tool call. */
  roundTrip: ToolRoundTrip | undefined;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return list(value)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** OpenAI chat: a trailing `tool` message answering an assistant `tool_calls` entry. */
function chatRoundTrip(body: Record<string, unknown>): ToolRoundTrip | undefined {
  const messages = list(body.messages);
  const last = messages.at(-1);
  if (last?.role !== 'tool') return undefined;
  const assistant = messages.findLast((message) => message.role === 'assistant');
  const call = list(assistant?.tool_calls).find((entry) => entry.id === last.tool_call_id);
  const fn = isRecord(call?.function) ? call.function : {};
  return { toolName: String(fn.name), arguments: parseArguments(fn.arguments), result: text(last.content), signatures: [] };
}

/** OpenAI Responses: a trailing `function_call_output` item answering a `function_call` item. */
function responsesRoundTrip(body: Record<string, unknown>): ToolRoundTrip | undefined {
  const items = list(body.input);
  const last = items.at(-1);
  if (last?.type !== 'function_call_output') return undefined;
  const call = items.find((item) => item.type === 'function_call' && item.call_id === last.call_id);
  const signatures = items.flatMap((item) =>
    item.type === 'reasoning' && typeof item.encrypted_content === 'string' ? [item.encrypted_content] : [],
  );
  return { toolName: String(call?.name), arguments: parseArguments(call?.arguments), result: text(last.output), signatures };
}

/** Anthropic: a trailing user turn with `tool_result` blocks answering the assistant turn's `tool_use`. */
function anthropicRoundTrip(body: Record<string, unknown>): ToolRoundTrip | undefined {
  const messages = list(body.messages);
  const last = messages.at(-1);
  const result = list(last?.content).find((block) => block.type === 'tool_result');
  if (last?.role !== 'user' || result === undefined) return undefined;
  const assistant = list(messages.findLast((message) => message.role === 'assistant')?.content);
  const call = assistant.find((block) => block.type === 'tool_use' && block.id === result.tool_use_id);
  const signatures = assistant.flatMap((block) => {
    if (block.type === 'thinking' && typeof block.signature === 'string' && block.signature !== '') return [block.signature];
    return block.type === 'redacted_thinking' && typeof block.data === 'string' ? [block.data] : [];
  });
  return { toolName: String(call?.name), arguments: call?.input, result: text(result.content), signatures };
}

/** Gemini: a trailing turn with `functionResponse` parts answering the model turn's `functionCall`. */
function geminiRoundTrip(body: Record<string, unknown>): ToolRoundTrip | undefined {
  const contents = list(body.contents);
  const response = list(contents.at(-1)?.parts).find((part) => isRecord(part.functionResponse));
  if (response === undefined || !isRecord(response.functionResponse)) return undefined;
  const name = response.functionResponse.name;
  const modelParts = list(contents.findLast((content) => content.role === 'model')?.parts);
  const call = modelParts.find((part) => isRecord(part.functionCall) && part.functionCall.name === name);
  const signatures = modelParts.flatMap((part) => (typeof part.thoughtSignature === 'string' ? [part.thoughtSignature] : []));
  const args = isRecord(call?.functionCall) ? call.functionCall.args : undefined;
  return { toolName: String(name), arguments: args, result: JSON.stringify(response.functionResponse.response), signatures };
}

function toolNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const tool of list(body.tools)) {
    if (isRecord(tool.function) && typeof tool.function.name === 'string') names.push(tool.function.name);
    else if (typeof tool.name === 'string') names.push(tool.name);
    for (const declaration of list(tool.functionDeclarations)) names.push(String(declaration.name));
  }
  return names;
}

/** The facts of one recorded request; undefined for anything that is not a model call with a JSON body. */
export function readUpstreamTurn(record: TapRecord): UpstreamTurn | undefined {
  const { body, path } = record;
  if (!isRecord(body)) return undefined;
  const geminiModel = /\/models\/([^/:]+):/.exec(path)?.[1];
  const model = typeof body.model === 'string' ? body.model : geminiModel;
  let roundTrip: ToolRoundTrip | undefined;
  if (path.includes('/chat/completions')) roundTrip = chatRoundTrip(body);
  else if (path.includes('/responses')) roundTrip = responsesRoundTrip(body);
  else if (path.startsWith('/anthropic/')) roundTrip = anthropicRoundTrip(body);
  else if (geminiModel !== undefined) roundTrip = geminiRoundTrip(body);
  else return undefined;
  return { path, status: record.status, model, tools: toolNames(body), roundTrip };
}

/** Every reasoning signature the upstream handed out (Anthropic `signature`, Gemini `thoughtSignature`, OpenAI `encrypted_content`). */
export function issuedSignatures(records: readonly TapRecord[]): Set<string> {
  const issued = new Set<string>();
  for (const record of records) {
    for (const match of record.response.matchAll(/"(?:signature|thoughtSignature|encrypted_content)":"([^"]+)"/g)) {
      if (match[1] !== undefined) issued.add(match[1]);
    }
  }
  return issued;
}
