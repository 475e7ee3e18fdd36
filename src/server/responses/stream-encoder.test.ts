import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../../core/chat-response.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import type { OutboundEvent } from '../../pipeline/index.js';
import type { ResponseItem } from './conversation-items.js';
import { decodeReasoningState } from './reasoning-state.js';
import { responseEcho, type ResponseObject } from './response-object.js';
import type { ResponseTurn } from './response-turn.js';
import { responsesStreamEncoder } from './stream-encoder.js';

const usage: Usage = {
  prompt_tokens: 10,
  completion_tokens: 7,
  total_tokens: 17,
  prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 },
  completion_tokens_details: { reasoning_tokens: 3 },
  cost_usd: 0.001,
};

interface Kept {
  output: readonly ResponseItem[];
  response: ResponseObject;
}

function turn(
  options: { includeEncrypted?: boolean; customNames?: string[]; keep?: (kept: Kept) => Promise<void> } = {},
): ResponseTurn & { kept: Kept[] } {
  const kept: Kept[] = [];
  return {
    id: 'resp_test',
    createdAt: 1_700_000_000,
    echo: responseEcho({ model: 'gpt-5', input: 'hi' }, []),
    customNames: new Set(options.customNames ?? []),
    includeEncrypted: options.includeEncrypted ?? false,
    now: () => 1_700_000_005_000,
    kept,
    async keep(output, response) {
      await options.keep?.({ output, response });
      kept.push({ output, response });
    },
  };
}

function chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'claude-sonnet-4.5',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function data(events: readonly OutboundEvent[]): Record<string, unknown>[] {
  return events.map((event) => {
    const value = event.data as Record<string, unknown>;
    assert.equal(event.event, value.type, 'the SSE event name is the type');
    return value;
  });
}

const signed = { type: 'reasoning.text' as const, text: 'Let me think', signature: 'sig', format: 'anthropic' };

describe('responsesStreamEncoder', () => {
  it('reasoning, then text: the full event sequence, numbered from 0, stored before response.completed', async () => {
    const t = turn();
    const encoder = responsesStreamEncoder(t, 'auto');
    const events = [
      ...encoder.step([chunk({ role: 'assistant', reasoning_content: 'Let me ' }), chunk({ reasoning_content: 'think' })], undefined),
      ...encoder.step([chunk({ reasoning_details: [signed] }), chunk({ content: 'Hello' }), chunk({ content: ' world' }, 'stop')], undefined),
      ...(await encoder.end(usage)),
    ];
    const seen = data(events);
    assert.deepEqual(
      seen.map((event) => event.type),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.deepEqual(
      seen.map((event) => event.sequence_number),
      seen.map((_, index) => index),
    );
    const created = seen[0]?.response as ResponseObject;
    assert.deepEqual([created.status, created.model, created.output, 'usage' in created], ['in_progress', 'claude-sonnet-4.5', [], false]);
    const final = seen.at(-1)?.response as ResponseObject;
    assert.equal(final.status, 'completed');
    assert.equal(final.completed_at, 1_700_000_005);
    assert.deepEqual(final.usage, {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 17,
      cost_usd: 0.001,
    });
    const [reasoning, message] = final.output;
    assert.deepEqual(reasoning, { type: 'reasoning', id: reasoning?.id, summary: [{ type: 'summary_text', text: 'Let me think' }] });
    assert.deepEqual(message && message.type === 'message' ? message.content : undefined, [
      { type: 'output_text', text: 'Hello world', annotations: [], logprobs: [] },
    ]);
    // The store keeps the reasoning state the client was not sent.
    assert.equal(t.kept.length, 1);
    const keptReasoning = t.kept[0]?.output[0];
    assert.deepEqual(decodeReasoningState(keptReasoning?.type === 'reasoning' ? keptReasoning.encrypted_content : undefined), [signed]);
    assert.deepEqual(t.kept[0]?.response, final);
  });

  it('sends encrypted_content on the reasoning item when include asks for it', async () => {
    const encoder = responsesStreamEncoder(turn({ includeEncrypted: true }), 'auto');
    encoder.step([chunk({ reasoning_content: 'x' }), chunk({ reasoning_details: [signed] }), chunk({ content: 'y' }, 'stop')], undefined);
    const final = data(await encoder.end(usage)).at(-1)?.response as ResponseObject;
    const reasoning = final.output[0];
    assert.ok(reasoning?.type === 'reasoning' && decodeReasoningState(reasoning.encrypted_content) !== undefined);
  });

  it('tool calls: one item each with argument deltas; a custom tool call carries its unwrapped input', async () => {
    const encoder = responsesStreamEncoder(turn({ customNames: ['apply_patch'] }), 'auto');
    const events = data([
      ...encoder.step(
        [
          chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city"' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: ':"Oslo"}' } }] }),
          chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'apply_patch', arguments: '{"input":' } }] }),
          chunk({ tool_calls: [{ index: 1, function: { arguments: '"line\\nnext"}' } }] }, 'tool_calls'),
        ],
        undefined,
      ),
      ...(await encoder.end(usage)),
    ]);
    const types = events.map((event) => event.type);
    assert.deepEqual(types.slice(2), [
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const final = events.at(-1)?.response as ResponseObject;
    assert.deepEqual(
      final.output.map((item) => ({ ...item, id: undefined })),
      [
        { type: 'function_call', id: undefined, call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' },
        { type: 'custom_tool_call', id: undefined, call_id: 'call_b', name: 'apply_patch', input: 'line\nnext' },
      ],
    );
    assert.match(final.output[0]?.id ?? '', /^fc_/);
    assert.match(final.output[1]?.id ?? '', /^ctc_/);
  });

  it('a refusal is its own content part; a cut answer ends with response.incomplete', async () => {
    const encoder = responsesStreamEncoder(turn(), 'auto');
    encoder.step([chunk({ content: 'Well' }), chunk({ refusal: 'I cannot' }, 'length')], undefined);
    const events = data(await encoder.end(usage));
    assert.deepEqual(
      events.map((event) => event.type),
      ['response.refusal.done', 'response.content_part.done', 'response.output_item.done', 'response.incomplete'],
    );
    const final = events.at(-1)?.response as ResponseObject;
    assert.deepEqual([final.status, final.incomplete_details, final.completed_at], ['incomplete', { reason: 'max_output_tokens' }, null]);
    const message = final.output[0];
    assert.ok(message?.type === 'message');
    assert.equal(message.status, 'incomplete');
    assert.deepEqual(message.content, [
      { type: 'output_text', text: 'Well', annotations: [], logprobs: [] },
      { type: 'refusal', refusal: 'I cannot' },
    ]);
  });

  it('a failure mid-stream: the error event nests its fields (as recorded from OpenAI), then response.failed', () => {
    const encoder = responsesStreamEncoder(turn(), 'auto');
    encoder.step([chunk({ content: 'partial' })], undefined);
    const events = data(encoder.error(new GatewayError(503, 'provider_unavailable', 'Upstream provider error (503): overloaded')));
    assert.deepEqual(events[0], {
      type: 'error',
      sequence_number: 5,
      error: { type: 'api_error', code: 'provider_unavailable', message: 'Upstream provider error (503): overloaded', param: null },
    });
    const failed = events[1]?.response as ResponseObject;
    assert.deepEqual(
      [events[1]?.type, failed.status, failed.error, failed.output],
      ['response.failed', 'failed', { code: 'server_error', message: 'Upstream provider error (503): overloaded' }, []],
    );
  });

  it('a turn the store refuses ends in error and response.failed, never a throw', async () => {
    const full = invalidRequest('This account is full.', 'store');
    const encoder = responsesStreamEncoder(turn({ keep: () => Promise.reject(full) }), 'auto');
    encoder.step([chunk({ content: 'done' }, 'stop')], undefined);
    const events = data(await encoder.end(usage));
    assert.deepEqual(
      events.map((event) => event.type),
      ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'error', 'response.failed'],
    );
    assert.deepEqual(events[3]?.error, { type: 'invalid_request_error', code: 'invalid_request', message: 'This account is full.', param: 'store' });
    assert.equal((events[4]?.response as ResponseObject | undefined)?.output.length, 1);
  });

  it('a stream that ends without any chunk still opens and completes, under the requested model', async () => {
    const events = data(await responsesStreamEncoder(turn(), 'auto').end(usage));
    assert.deepEqual(
      events.map((event) => [event.type, (event.response as ResponseObject).model]),
      [
        ['response.created', 'auto'],
        ['response.in_progress', 'auto'],
        ['response.completed', 'auto'],
      ],
    );
  });
});
