/**
 * @module The Gemini `GenerateContentResponse` as the gateway reads it, and the edge check that turns unknown JSON
 * into it. Only the fields translation uses are typed; unknown keys and part kinds (inlineData, executableCode, …) are
 * ignored, but a known field with the wrong type makes the whole body malformed. JSON `null` counts as absent.
 * A candidate's `content.parts` is flattened to `parts` (empty when the candidate has no content, e.g. on SAFETY).
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
import { isRecord } from '../../core/guards.js';

/** Vertex-only streamed argument fragment. @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#PartialArg */
export interface GeminiPartialArg {
  /** RFC 9535 JSON path of the argument, e.g. `$.foo.bar[0]`. */
  jsonPath: string;
  /** Absent when the fragment carries no value. */
  value?: string | number | boolean | null;
  /** More fragments follow for this same path (strings are appended). */
  willContinue: boolean;
}

/** A `functionCall` part payload: whole (Gemini API) or one fragment of a call (Vertex AI). */
export interface GeminiFunctionCall {
  name?: string;
  args?: Record<string, unknown>;
  partialArgs?: GeminiPartialArg[];
  /** Vertex: more parts of this same call follow. */
  willContinue: boolean;
}

/** One part of a candidate's content; parts of kinds the gateway does not translate have none of these payloads. */
export interface GeminiPart {
  text?: string;
  thought: boolean;
  thoughtSignature?: string;
  functionCall?: GeminiFunctionCall;
}

/** One candidate answer; in a stream, only what is new since the previous event. */
export interface GeminiCandidate {
  index?: number;
  parts: GeminiPart[];
  finishReason?: string;
}

/** @see https://ai.google.dev/api/generate-content#UsageMetadata */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

/** A checked GenerateContentResponse (a whole body or one stream event). */
export interface GeminiResponse {
  candidates: GeminiCandidate[];
  /** `promptFeedback.blockReason`: the prompt itself was blocked. */
  blockReason?: string;
  usageMetadata?: GeminiUsageMetadata;
}

class ShapeError extends Error {}

type Guard<T> = (value: unknown) => value is T;
const isString: Guard<string> = (v): v is string => typeof v === 'string';
const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const isNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount: Guard<number> = (v): v is number => Number.isInteger(v) && (v as number) >= 0;

function field<T>(record: Record<string, unknown>, key: string, guard: Guard<T>): T | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (!guard(value)) throw new ShapeError(key);
  return value;
}

function records(record: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isRecord)) throw new ShapeError(key);
  return value;
}

function optionalRecord(record: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  return field(record, key, isRecord);
}

function readPartialArg(raw: Record<string, unknown>): GeminiPartialArg {
  const jsonPath = field(raw, 'jsonPath', isString);
  if (jsonPath === undefined) throw new ShapeError('jsonPath');
  const arg: GeminiPartialArg = { jsonPath, willContinue: field(raw, 'willContinue', isBoolean) ?? false };
  const value = field(raw, 'stringValue', isString) ?? field(raw, 'numberValue', isNumber) ?? field(raw, 'boolValue', isBoolean);
  if (value !== undefined) arg.value = value;
  else if (raw.nullValue !== undefined) arg.value = null;
  return arg;
}

function readFunctionCall(raw: Record<string, unknown>): GeminiFunctionCall {
  const call: GeminiFunctionCall = { willContinue: field(raw, 'willContinue', isBoolean) ?? false };
  const name = field(raw, 'name', isString);
  if (name !== undefined) call.name = name;
  const args = optionalRecord(raw, 'args');
  if (args !== undefined) call.args = args;
  if (raw.partialArgs !== undefined && raw.partialArgs !== null) {
    call.partialArgs = records(raw, 'partialArgs').map(readPartialArg);
  }
  return call;
}

function readPart(raw: Record<string, unknown>): GeminiPart {
  const part: GeminiPart = { thought: field(raw, 'thought', isBoolean) ?? false };
  const text = field(raw, 'text', isString);
  if (text !== undefined) part.text = text;
  const signature = field(raw, 'thoughtSignature', isString);
  if (signature !== undefined) part.thoughtSignature = signature;
  const functionCall = optionalRecord(raw, 'functionCall');
  if (functionCall !== undefined) part.functionCall = readFunctionCall(functionCall);
  return part;
}

function readCandidate(raw: Record<string, unknown>): GeminiCandidate {
  const content = optionalRecord(raw, 'content');
  const candidate: GeminiCandidate = { parts: content === undefined ? [] : records(content, 'parts').map(readPart) };
  const index = field(raw, 'index', isCount);
  if (index !== undefined) candidate.index = index;
  const finishReason = field(raw, 'finishReason', isString);
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  return candidate;
}

const USAGE_KEYS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'cachedContentTokenCount',
  'totalTokenCount',
] as const satisfies readonly (keyof GeminiUsageMetadata)[];

function readUsage(raw: Record<string, unknown>): GeminiUsageMetadata {
  const usage: GeminiUsageMetadata = {};
  for (const key of USAGE_KEYS) {
    const count = field(raw, key, isCount);
    if (count !== undefined) usage[key] = count;
  }
  return usage;
}

/** Checks and narrows one GenerateContentResponse (a whole body or one stream chunk); `undefined` when malformed. */
export function parseGeminiResponse(body: unknown): GeminiResponse | undefined {
  if (!isRecord(body)) return undefined;
  try {
    const response: GeminiResponse = { candidates: records(body, 'candidates').map(readCandidate) };
    const feedback = optionalRecord(body, 'promptFeedback');
    const blockReason = feedback === undefined ? undefined : field(feedback, 'blockReason', isString);
    if (blockReason !== undefined) response.blockReason = blockReason;
    const usage = optionalRecord(body, 'usageMetadata');
    if (usage !== undefined) response.usageMetadata = readUsage(usage);
    return response;
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}
