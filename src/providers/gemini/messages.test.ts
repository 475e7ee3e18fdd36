import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { convertToGeminiPrompt } from './messages.js';
import { encodeGeminiToolCallId } from './tool-call-id.js';

function assertInvalid(messages: ChatMessage[], param: string, message: RegExp): void {
  assert.throws(
    () => convertToGeminiPrompt(messages),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.status === 400 &&
      error.code === 'invalid_request' &&
      error.param === param &&
      message.test(error.message),
  );
}

const weatherCall = (id: string): ChatMessage => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name: 'weather', arguments: '{"location":"Paris"}' } }],
});

describe('convertToGeminiPrompt: turns', () => {
  it('hoists system and developer messages, wherever they are, into systemInstruction', () => {
    const prompt = convertToGeminiPrompt([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
      { role: 'system', content: '' },
    ]);
    assert.deepEqual(prompt, {
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use French.' }] },
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
  });

  it('maps assistant to model, merges consecutive turns of one role and skips empty text', () => {
    const prompt = convertToGeminiPrompt([
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: 'c' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'd' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'e' },
    ]);
    assert.deepEqual(prompt, {
      contents: [
        { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
        { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
        { role: 'user', parts: [{ text: 'e' }] },
      ],
    });
  });

  it('turns data: images, audio and files into inlineData', () => {
    const prompt = convertToGeminiPrompt([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        ],
      },
    ]);
    assert.deepEqual(prompt.contents, [
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
        ],
      },
    ]);
  });

  it('rejects remote image URLs with the offending param', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'first' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ];
    assertInvalid(messages, 'messages[1].content[1].image_url.url', /remote image URLs are not supported for this provider yet/);
  });

  it('rejects non-base64 data URLs and file ids', () => {
    assertInvalid(
      [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] }],
      'messages[0].content[0].image_url.url',
      /base64 data: URL/,
    );
    assertInvalid([{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }], 'messages[0].content[0].file', /file_id/);
  });
});

describe('convertToGeminiPrompt: tool calls and results', () => {
  it('turns assistant tool calls into functionCall parts and tool results into functionResponse parts', () => {
    const prompt = convertToGeminiPrompt([
      { role: 'user', content: 'weather in Paris and the time?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"location":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'noon' }] },
      { role: 'user', content: 'thanks' },
    ]);
    assert.deepEqual(prompt.contents, [
      { role: 'user', parts: [{ text: 'weather in Paris and the time?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'weather', args: { location: 'Paris' } } },
          { functionCall: { name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'weather', response: { output: 'sunny' } } },
          { functionResponse: { name: 'time', response: { output: 'noon' } } },
          { text: 'thanks' },
        ],
      },
    ]);
  });

  it('puts the thought signature carried by the tool-call id back on the functionCall part', () => {
    const signature = 'EqUCCqICAb4+9vsh8Pd5taZVoPzSvjWW/wzBrvhEQw==';
    const id = encodeGeminiToolCallId('chatcmpl-prev', 0, 0, signature);
    const prompt = convertToGeminiPrompt([{ role: 'user', content: 'q' }, weatherCall(id), { role: 'tool', tool_call_id: id, content: '20C' }]);
    assert.deepEqual(prompt.contents[1]?.parts, [{ functionCall: { name: 'weather', args: { location: 'Paris' } }, thoughtSignature: signature }]);
  });

  it('rejects arguments that are not a JSON object, naming the param', () => {
    const call = (args: string): ChatMessage[] => [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] },
    ];
    assertInvalid(call('{"a":'), 'messages[1].tool_calls[0].function.arguments', /valid JSON/);
    assertInvalid(call('[1,2]'), 'messages[1].tool_calls[0].function.arguments', /JSON object/);
    assertInvalid(call('null'), 'messages[1].tool_calls[0].function.arguments', /JSON object/);
  });

  it('rejects a tool result whose id matches no earlier assistant tool call', () => {
    assertInvalid(
      [{ role: 'user', content: 'q' }, weatherCall('call_a'), { role: 'tool', tool_call_id: 'call_b', content: 'x' }],
      'messages[2].tool_call_id',
      /call_b/,
    );
    assertInvalid([{ role: 'tool', tool_call_id: 'call_a', content: 'x' }, weatherCall('call_a')], 'messages[0].tool_call_id', /call_a/);
  });
});
