/**
 * @module Server-sent-event framing. Wire formats build event objects; only this file turns them into text.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** Content type of every SSE answer. */
export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/** `data: <json>` followed by a blank line (OpenAI style, no event name). */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** `event: <name>` + `data: <json>` (Anthropic style). Event names are internal constants, never client text. */
export function sseEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Gemini ends each event with CRLF CRLF, as its API does (parsers accept either line ending). */
export function sseDataCrlf(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}

/** OpenAI's end-of-stream sentinel. */
export const SSE_DONE = 'data: [DONE]\n\n';
