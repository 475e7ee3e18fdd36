import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { OutboundEvent } from '../../pipeline/index.js';
import { translatedStreamEncoder } from './stream-translated.js';

function chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5', choices: [{ index: 0, delta, finish_reason: finish }] };
}

const usage = { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29, cost_usd: 0.0001 };

/** Event name, then what identifies it: the block type for a start, the delta type for a delta. */
function outline(events: readonly OutboundEvent[]): string[] {
  return events.map(({ event, data }) => {
    const record = data as { content_block?: { type: string }; delta?: { type?: string }; index?: number };
    if (event === 'content_block_start') return `${event}:${record.index}:${record.content_block?.type}`;
    if (event === 'content_block_delta') return `${event}:${record.index}:${record.delta?.type}`;
    if (event === 'content_block_stop') return `${event}:${record.index}`;
    return String(event);
  });
}

describe('the translated stream', () => {
  it("follows Anthropic's grammar: start, ping, blocks with their deltas, message_delta with usage, stop", () => {
    const encoder = translatedStreamEncoder({ id: 'msg_ours', omitThinking: false }, () => 'gpt-5');
    const events = [
      ...encoder.step([chunk({ role: 'assistant', content: '' })], undefined),
      ...encoder.step([chunk({ reasoning_content: 'Think ' }), chunk({ reasoning_content: 'hard.' })], undefined),
      ...encoder.step([chunk({ content: 'Calling.' })], undefined),
      ...encoder.step([chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read', arguments: '' } }] })], undefined),
      ...encoder.step(
        [
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"a"}' } }] }),
        ],
        undefined,
      ),
      ...encoder.step(
        [chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'list', arguments: '{}' } }] })],
        undefined,
      ),
      ...encoder.step([chunk({}, 'tool_calls')], undefined),
    ];
    events.push(...(encoder.end(usage) as OutboundEvent[]));
    assert.deepEqual(outline(events), [
      'message_start',
      'ping',
      'content_block_start:0:thinking',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:thinking_delta',
      'content_block_stop:0',
      'content_block_start:1:text',
      'content_block_delta:1:text_delta',
      'content_block_stop:1',
      'content_block_start:2:tool_use',
      'content_block_delta:2:input_json_delta',
      'content_block_delta:2:input_json_delta',
      'content_block_stop:2',
      'content_block_start:3:tool_use',
      'content_block_delta:3:input_json_delta',
      'content_block_stop:3',
      'message_delta',
      'message_stop',
    ]);
    assert.deepEqual(events[0]?.data, {
      type: 'message_start',
      message: {
        id: 'msg_ours',
        type: 'message',
        role: 'assistant',
        model: 'gpt-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
    assert.deepEqual(events[9]?.data, {
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'call_1', name: 'read', input: {} },
    });
    const delta = events.at(-2)?.data as { delta: unknown; usage: { output_tokens: number; cost_usd: number } };
    assert.deepEqual(delta.delta, { stop_reason: 'tool_use', stop_sequence: null });
    assert.deepEqual([delta.usage.output_tokens, delta.usage.cost_usd], [9, 0.0001]);
  });

  it("signs a thinking block with Claude's detail and makes a redacted block of an encrypted one", () => {
    const encoder = translatedStreamEncoder({ id: 'msg_ours', omitThinking: false }, () => 'm');
    const events = [
      ...encoder.step([chunk({ reasoning_content: 'plan' })], undefined),
      ...encoder.step([chunk({ reasoning_details: [{ type: 'reasoning.text', text: 'plan', signature: 'sig', format: 'anthropic' }] })], undefined),
      ...encoder.step([chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic' }] })], undefined),
      ...encoder.step([chunk({ content: 'Hi' }, 'stop')], undefined),
    ];
    assert.deepEqual(outline(events).slice(2), [
      'content_block_start:0:thinking',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:signature_delta',
      'content_block_stop:0',
      'content_block_start:1:redacted_thinking',
      'content_block_stop:1',
      'content_block_start:2:text',
      'content_block_delta:2:text_delta',
    ]);
  });

  it('starts and ends a stream that had no chunks, leaves omitted thinking out, and ends a failure with an error event', () => {
    const empty = translatedStreamEncoder({ id: 'msg_ours', omitThinking: true }, () => 'm');
    assert.deepEqual(outline(empty.step([chunk({ reasoning_content: 'hidden' })], undefined)), ['message_start', 'ping']);
    assert.deepEqual(outline(empty.end(usage) as OutboundEvent[]), ['message_delta', 'message_stop']);
    const failed = translatedStreamEncoder({ id: 'msg_ours', omitThinking: false }, () => 'm');
    assert.deepEqual(failed.error(new GatewayError(502, 'provider_error', 'Upstream broke')), [
      { event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'Upstream broke' } } },
    ]);
  });
});
