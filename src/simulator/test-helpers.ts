/**
 * @module Helpers for the simulator's own tests (and benchmarks that talk to it): JSON posts with provider
 * headers, an SSE body split into events, and recorded fixtures. Not used by the simulator itself.
 */

import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import { isRecord } from '../core/guards.js';

/** Headers each provider's API needs, with dummy keys. */
export const PROVIDER_HEADERS = {
  openai: { authorization: 'Bearer sk-test' },
  anthropic: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
  gemini: { 'x-goog-api-key': 'AIza-test' },
} as const;

/** POSTs a JSON body (or raw text) and returns the response. */
export function post(url: string, headers: Record<string, string>, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** One parsed server-sent event. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Splits an SSE body into events with eventsource-parser, the parser the gateway reads upstreams with (so the spec's
 * corners — CRLF, comments, `data:` with or without a space — are read the same). A last event the body ends without
 * a blank line after is kept.
 */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({ onEvent: (message) => events.push({ event: message.event, data: message.data }) });
  parser.feed(`${text}\n\n`);
  return events;
}

/** The JSON payloads of an SSE body, skipping OpenAI's `[DONE]`. */
export function sseJson(text: string): unknown[] {
  return parseSse(text)
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as unknown);
}

/** A recorded fixture from `__fixtures__/`, parsed as JSON. */
export function readFixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as unknown;
}

/** A recorded `*.chunks.txt` fixture: one JSON event per line. */
export function readFixtureChunks(name: string): unknown[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as unknown);
}

/** Narrows an unknown JSON value to an object for property access in assertions; throws otherwise. */
export function obj(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new TypeError(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/** Narrows an unknown JSON value to an array; throws otherwise. */
export function arr(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

/** One choice of an OpenAI stream, put back together from its deltas. */
export interface AssembledChoice {
  content: string;
  reasoning: string;
  refusal: string;
  toolCalls: { id: string; name: string; arguments: string; fragments: number }[];
  finish: string | null;
}

function deltaString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Rebuilds each choice of an OpenAI chunk stream (by `index`), concatenating content and tool-call arguments. */
export function assembleOpenAIStream(chunks: readonly unknown[]): AssembledChoice[] {
  const choices: AssembledChoice[] = [];
  for (const chunk of chunks) {
    for (const raw of arr(obj(chunk).choices)) {
      const choice = obj(raw);
      const index = Number(choice.index);
      const target = choices[index] ?? { content: '', reasoning: '', refusal: '', toolCalls: [], finish: null };
      choices[index] = target;
      const delta = obj(choice.delta);
      target.content += deltaString(delta.content);
      target.reasoning += deltaString(delta.reasoning_content);
      target.refusal += deltaString(delta.refusal);
      for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        const call = obj(rawCall);
        const fn = obj(call.function ?? {});
        const slot = target.toolCalls[Number(call.index)] ?? { id: '', name: '', arguments: '', fragments: 0 };
        target.toolCalls[Number(call.index)] = slot;
        slot.id += deltaString(call.id);
        slot.name += deltaString(fn.name);
        if (typeof fn.arguments === 'string' && fn.arguments.length > 0) {
          slot.arguments += fn.arguments;
          slot.fragments++;
        }
      }
      if (typeof choice.finish_reason === 'string') target.finish = choice.finish_reason;
    }
  }
  return choices;
}
