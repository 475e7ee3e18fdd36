/**
 * @module Helpers for the simulator's own tests (and benchmarks that talk to it): JSON posts with provider
 * headers, a minimal SSE parser, and recorded fixtures. Not used by the simulator itself.
 */

import { readFileSync } from 'node:fs';
import { isRecord } from './guards.js';

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

/** Splits an SSE body into events (accepts LF and CRLF line endings). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim().length === 0) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    events.push({ event, data: data.join('\n') });
  }
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
