import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Usage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { NativeEvent } from '../../providers/types.js';
import { nativeStreamEncoder } from './stream-native.js';

const FIXTURES = new URL('../../providers/anthropic/__fixtures__/', import.meta.url);
const recordings = readdirSync(FIXTURES).filter((name) => name.endsWith('.chunks.txt'));

function events(name: string): NativeEvent[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const data = JSON.parse(line) as Record<string, unknown>;
      return { event: String(data.type), data };
    });
}

/** The usage the pipeline settles for a recording: the last counts Anthropic reported. */
function settledUsage(recorded: readonly NativeEvent[]): Usage {
  const start = recorded[0]?.data.message as { usage: Record<string, number> };
  const delta = recorded.findLast((e) => e.event === 'message_delta')?.data.usage as Record<string, number>;
  const counts = { ...start.usage, ...delta };
  const reads = counts.cache_read_input_tokens ?? 0;
  const writes = counts.cache_creation_input_tokens ?? 0;
  const prompt = (counts.input_tokens ?? 0) + reads + writes;
  const output = counts.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: reads, cache_write_tokens: writes },
    cost_usd: 0.0042,
  };
}

describe('the native stream relay', () => {
  for (const name of recordings) {
    it(`relays ${name} as recorded, apart from id, model and the settled usage's cost_usd`, () => {
      const recorded = events(name);
      const encoder = nativeStreamEncoder({ id: 'msg_ours', omitThinking: false }, () => 'claude-sonnet-4.5');
      const out = recorded.flatMap((event) => encoder.relay(event));
      out.push(...encoder.end(settledUsage(recorded)));
      const expected = recorded.map(({ event, data }) => ({ event, data: structuredClone(data) }));
      const start = expected[0]?.data.message as Record<string, unknown>;
      Object.assign(start, { id: 'msg_ours', model: 'claude-sonnet-4.5' });
      const lastDelta = expected.findLast((e) => e.event === 'message_delta')?.data as { usage: Record<string, unknown> };
      lastDelta.usage.cost_usd = 0.0042;
      assert.deepEqual(out, expected);
    });
  }

  it('holds message_delta and message_stop until the end, and writes an upstream error once, through error()', () => {
    const encoder = nativeStreamEncoder({ id: 'msg_ours', omitThinking: false }, () => 'm');
    assert.deepEqual(
      encoder.relay({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } } }),
      [],
    );
    assert.deepEqual(encoder.relay({ event: 'message_stop', data: { type: 'message_stop' } }), []);
    assert.deepEqual(encoder.relay({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'x' } } }), []);
    const failure = encoder.error(new GatewayError(503, 'provider_unavailable', 'Overloaded'));
    assert.deepEqual(failure, [{ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }]);
  });
});
