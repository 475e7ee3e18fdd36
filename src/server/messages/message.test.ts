import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatCompletion, Usage } from '../../core/chat-response.js';
import { encodeMessage, toolInput } from './message.js';
import { toAnthropicUsage } from './usage.js';

const FIXTURES = new URL('../../providers/anthropic/__fixtures__/', import.meta.url);
const stamp = { id: 'msg_ours', omitThinking: false };

function completion(
  message: Partial<ChatCompletion['choices'][number]['message']>,
  finish: ChatCompletion['choices'][number]['finish_reason'],
  usage?: Usage,
): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5',
    choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, logprobs: null, finish_reason: finish }],
    usage: usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost_usd: 0.001 },
  };
}

describe('encodeMessage', () => {
  it("sends Claude's own body with our id, the catalog id as model and the settled usage with cost_usd", () => {
    const native: unknown = JSON.parse(readFileSync(new URL('issue-13430-thinking-tool-call.json', FIXTURES), 'utf8'));
    const usage: Usage = {
      prompt_tokens: 599,
      completion_tokens: 59,
      total_tokens: 658,
      prompt_tokens_details: { cached_tokens: 0 },
      cost_usd: 0.002682,
    };
    const settled = { ...completion({}, 'tool_calls', usage), model: 'claude-sonnet-4.5', native };
    const body = encodeMessage(settled, stamp);
    const expected = structuredClone(native) as Record<string, unknown> & { usage: Record<string, unknown> };
    assert.deepEqual(body, { ...expected, id: 'msg_ours', model: 'claude-sonnet-4.5', usage: { ...expected.usage, cost_usd: 0.002682 } });
  });

  it('builds a Message from a translated completion: thinking, text, tool_use with parsed input, stop reason, usage', () => {
    const body = encodeMessage(
      completion(
        {
          content: 'Let me look.',
          reasoning_content: 'Thinking…',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } }],
        },
        'tool_calls',
      ),
      stamp,
    );
    assert.deepEqual(body, {
      id: 'msg_ours',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5',
      content: [
        { type: 'thinking', thinking: 'Thinking…', signature: '' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'read', input: { path: 'a' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 5,
        cost_usd: 0.001,
      },
    });
  });

  it('maps finish reasons and leaves thinking out when the client asked for it omitted', () => {
    const reasons = (['stop', 'length', 'tool_calls', 'content_filter'] as const).map(
      (finish) => encodeMessage(completion({ content: 'x' }, finish), stamp).stop_reason,
    );
    assert.deepEqual(reasons, ['end_turn', 'max_tokens', 'tool_use', 'refusal']);
    const omitted = encodeMessage(completion({ content: 'x', reasoning_content: 'hidden' }, 'stop'), { ...stamp, omitThinking: true });
    assert.deepEqual(omitted.content, [{ type: 'text', text: 'x' }]);
  });

  it("signs thinking with Claude's reasoning details and keeps redacted thinking", () => {
    const body = encodeMessage(
      completion(
        {
          content: 'Done.',
          reasoning_content: 'plan',
          reasoning_details: [
            { type: 'reasoning.text', text: 'plan', signature: 'sig', format: 'anthropic' },
            { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic' },
            { type: 'reasoning.text', text: 'other', format: 'openai-responses' },
          ],
        },
        'stop',
      ),
      stamp,
    );
    assert.deepEqual(body.content, [
      { type: 'thinking', thinking: 'plan', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('reads tool arguments as an object, an empty one when they are not', () => {
    assert.deepEqual(toolInput('{"a":1}'), { a: 1 });
    assert.deepEqual(toolInput(''), {});
    assert.deepEqual(toolInput('[1]'), {});
    assert.deepEqual(toolInput('{"a":'), {});
  });
});

describe('toAnthropicUsage', () => {
  it('takes cache reads and writes out of input_tokens and splits writes by lifetime', () => {
    const usage = toAnthropicUsage({
      prompt_tokens: 1000,
      completion_tokens: 20,
      total_tokens: 1020,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 600, cache_write_1h_tokens: 100 },
      cost_usd: 0.5,
    });
    assert.deepEqual(usage, {
      input_tokens: 100,
      cache_creation_input_tokens: 600,
      cache_read_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 100 },
      output_tokens: 20,
      cost_usd: 0.5,
    });
  });
});
