import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReasoningDetail } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { normalizeItem } from './conversation-items.js';
import { encodeReasoningState } from './reasoning-state.js';
import type { InputItem } from './request-schema.js';
import { toChatMessages } from './to-chat-messages.js';

/** Normalises and places raw input items as the route does. */
function convert(items: InputItem[], instructions?: string) {
  return toChatMessages(
    instructions,
    items.map((item, index) => ({ item: normalizeItem(item, `input[${index}]`), param: `input[${index}]` })),
  );
}

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    return error;
  }
  assert.fail('expected a 400');
}

const thinking: ReasoningDetail = { type: 'reasoning.text', text: 'hmm', signature: 'sig', format: 'anthropic' };

describe('toChatMessages', () => {
  it('puts instructions first, then messages with their roles and parts', () => {
    const messages = convert(
      [
        { role: 'developer', content: 'Be terse.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'https://x.test/a.png', detail: 'low' },
          ],
        },
        { role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,AAAA' }] },
      ],
      'You are helpful.',
    );
    assert.deepEqual(messages, [
      { role: 'system', content: 'You are helpful.' },
      { role: 'developer', content: 'Be terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
        ],
      },
      { role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA', filename: 'a.pdf' } }] },
    ]);
  });

  it('merges a run of assistant-side items into one assistant turn: text, calls in order, our reasoning state', () => {
    const messages = convert([
      { role: 'user', content: 'Weather and a patch?' },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: encodeReasoningState([thinking]) },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'On it.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n"quoted"' },
      { type: 'function_call_output', call_id: 'call_1', output: 'snow' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'done' }] },
    ]);
    assert.deepEqual(messages.slice(1), [
      {
        role: 'assistant',
        content: 'On it.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_2', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n"quoted"' }) } },
        ],
        reasoning_details: [thinking],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'snow' },
      { role: 'tool', tool_call_id: 'call_2', content: 'done' },
    ]);
  });

  it('drops reasoning that is not ours, and reasoning with no assistant turn to go with', () => {
    const messages = convert([
      { role: 'user', content: 'Hi' },
      { type: 'reasoning', summary: [], encrypted_content: 'gAAAAABfernet' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'And?' },
      { type: 'reasoning', summary: [], encrypted_content: encodeReasoningState([thinking]) },
      { role: 'user', content: 'Bye' },
    ]);
    assert.deepEqual(messages, [
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: [{ type: 'text', text: 'And?' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
    ]);
  });

  it("sends images in a tool's output as a user message after the run of tool results", () => {
    const messages = convert([
      { role: 'user', content: 'Look at both' },
      { type: 'function_call', call_id: 'a', name: 'view', arguments: '{}' },
      { type: 'function_call', call_id: 'b', name: 'view', arguments: '{}' },
      { type: 'function_call_output', call_id: 'a', output: [{ type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'auto' }] },
      { type: 'function_call_output', call_id: 'b', output: 'text only' },
    ]);
    assert.deepEqual(messages.slice(2), [
      { role: 'tool', tool_call_id: 'a', content: '(The output is attached in the next message.)' },
      { role: 'tool', tool_call_id: 'b', content: 'text only' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Attachments of the output of tool call a:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'auto' } },
        ],
      },
    ]);
  });

  it('refuses outputs without their call, calls left without outputs, and duplicate call ids, naming the item', () => {
    assert.equal(
      refusal(() =>
        convert([
          { role: 'user', content: 'x' },
          { type: 'function_call_output', call_id: 'nope', output: '' },
        ]),
      ).param,
      'input[1].call_id',
    );
    const call = { type: 'function_call' as const, call_id: 'c1', name: 'f', arguments: '{}' };
    assert.equal(refusal(() => convert([call, { role: 'user', content: 'moving on' }])).param, 'input[1]');
    assert.equal(refusal(() => convert([call])).param, 'input');
    assert.equal(refusal(() => convert([call, { type: 'function_call_output', call_id: 'c1', output: '' }, call])).param, 'input[2].call_id');
    const next = { type: 'function_call' as const, call_id: 'c2', name: 'f', arguments: '{}' };
    const partial = [call, next, { type: 'function_call_output' as const, call_id: 'c1', output: '' }, { ...next, call_id: 'c3' }];
    assert.match(refusal(() => convert(partial)).message, /No tool output found for function call c2/);
  });
});

describe('normalizeItem refusals', () => {
  it('names the part that points into a provider account or needs a download', () => {
    const image = { role: 'user' as const, content: [{ type: 'input_image' as const, file_id: 'file_1' }] };
    assert.equal(refusal(() => normalizeItem(image, 'input[0]')).param, 'input[0].content[0].file_id');
    const url = { role: 'user' as const, content: [{ type: 'input_file' as const, file_url: 'https://x.test/a.pdf' }] };
    assert.equal(refusal(() => normalizeItem(url, 'input[2]')).param, 'input[2].content[0].file_url');
    const system = { role: 'system' as const, content: [{ type: 'input_image' as const, image_url: 'https://x.test/a.png' }] };
    assert.equal(refusal(() => normalizeItem(system, 'input[1]')).param, 'input[1].content[0]');
  });
});
