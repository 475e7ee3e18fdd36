import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, ToolCallParam } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { convertToAnthropicMessages } from './messages.js';

function assertInvalid(messages: ChatMessage[], param: string): void {
  assert.throws(
    () => convertToAnthropicMessages(messages),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.code === 'invalid_request' && error.param === param,
  );
}

describe('convertToAnthropicMessages: system and turns', () => {
  it('hoists system and developer messages from anywhere into system, joined by a blank line', () => {
    const out = convertToAnthropicMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      {
        role: 'developer',
        content: [
          { type: 'text', text: 'Line 1' },
          { type: 'text', text: 'Line 2' },
        ],
      },
      { role: 'assistant', content: 'Hello' },
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Bye' },
    ]);
    assert.equal(out.system, 'Be brief.\n\nLine 1\nLine 2\n\nAnswer in French.');
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
    ]);
    assert.deepEqual(out.warnings, []);
  });

  it('leaves system undefined when there is none', () => {
    assert.equal(convertToAnthropicMessages([{ role: 'user', content: 'Hi' }]).system, undefined);
  });

  it('merges consecutive same-role turns into one, keeping refusals as assistant text', () => {
    const out = convertToAnthropicMessages([
      { role: 'user', content: 'one' },
      { role: 'system', content: 'sys' },
      { role: 'user', content: [{ type: 'text', text: 'two' }] },
      { role: 'assistant', content: 'a' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'b' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
    ]);
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
          { type: 'text', text: 'no' },
        ],
      },
    ]);
  });

  it('drops message names with a warning', () => {
    const out = convertToAnthropicMessages([{ role: 'user', content: 'Hi', name: 'alice' }]);
    assert.deepEqual(out.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    assert.deepEqual(out.warnings, ['messages[].name']);
  });

  it('leaves out empty text and turns left empty', () => {
    const out = convertToAnthropicMessages([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '' },
      {
        role: 'user',
        content: [
          { type: 'text', text: '' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });
});

describe('convertToAnthropicMessages: images and media', () => {
  it('converts data: images to base64 sources and http(s) images to url sources', () => {
    const out = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('rejects images and media Anthropic cannot take, naming the part', () => {
    const image = (url: string): ChatMessage[] => [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'x' },
          { type: 'image_url', image_url: { url } },
        ],
      },
    ];
    assertInvalid(image('data:image/bmp;base64,Qk0='), 'messages[0].content[1].image_url.url');
    assertInvalid(image('ftp://example.com/a.png'), 'messages[0].content[1].image_url.url');
    assertInvalid(image('data:image/png,rawbytes'), 'messages[0].content[1].image_url.url');
    assertInvalid([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }], 'messages[0].content[0]');
    assertInvalid([{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }], 'messages[0].content[0]');
  });
});

const calls: ToolCallParam[] = [
  { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
  { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
];

describe('convertToAnthropicMessages: tool calls and results', () => {
  it('turns assistant tool_calls into tool_use blocks and tool messages into one user turn of tool_result blocks', () => {
    const out = convertToAnthropicMessages([
      { role: 'user', content: 'Weather and time in Paris?' },
      { role: 'assistant', content: '', tool_calls: calls },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
      { role: 'user', content: 'Thanks' },
    ]);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '12:00' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('keeps assistant text before its tool calls and omits empty tool results', () => {
    const out = convertToAnthropicMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: 'Checking.', tool_calls: calls.slice(0, 1) },
      { role: 'tool', tool_call_id: 'call_1', content: '' },
    ]);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1' }] },
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, naming the call', () => {
    const withArguments = (args: string): ChatMessage[] => [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, tool_calls: [...calls, { id: 'call_x', type: 'function', function: { name: 'f', arguments: args } }] },
    ];
    assertInvalid(withArguments('{"city":'), 'messages[1].tool_calls[2].function.arguments');
    assertInvalid(withArguments('[1,2]'), 'messages[1].tool_calls[2].function.arguments');
    assertInvalid(withArguments('null'), 'messages[1].tool_calls[2].function.arguments');
  });
});
