/**
 * @module The simulator tests' SSE reader: it must read every spec-valid event, or a test of a stream could pass on
 * the events it happened to read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSse } from './test-helpers.js';

test('parseSse reads data lines with or without the space, CRLF, comments, multi-line data and an unterminated last event', () => {
  const body = ': keep-alive\r\nevent: a\r\ndata:{"n":1}\r\n\r\ndata: first\ndata:second\n\nevent: last\ndata: [DONE]';
  assert.deepEqual(parseSse(body), [
    { event: 'a', data: '{"n":1}' },
    { event: undefined, data: 'first\nsecond' },
    { event: 'last', data: '[DONE]' },
  ]);
});
