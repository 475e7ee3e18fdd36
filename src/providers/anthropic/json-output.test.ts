import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ChatCompletionChunk } from '../../core/chat-response.js';
import { anthropicAdapter } from './index.js';
import { escapeAnthropicToolName, unescapeAnthropicToolName } from './json-output.js';

const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-sonnet-4-5' };
const ctx = { id: 'chatcmpl-json', model: 'claude-sonnet', created: 1_700_000_000 };
const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } };
const jsonTool = { name: 'json_output', description: 'Respond with your complete answer as a single JSON object.', input_schema: { type: 'object' } };

function body(overrides: Partial<ChatCompletionRequest>): Record<string, unknown> {
  const req: ChatCompletionRequest = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], ...overrides };
  const { request, warnings } = anthropicAdapter.toUpstream(req, target, false);
  assert.deepEqual(warnings, []);
  return request.body;
}

describe('json_output tool names', () => {
  it('escapes client names that look like the reserved tool, and only those, reversibly', () => {
    const names = ['json_output', 'json_output_', 'json_output__', 'get_weather', 'json_outputs', 'my_json_output'];
    const escaped = names.map(escapeAnthropicToolName);
    assert.deepEqual(escaped, ['json_output_', 'json_output__', 'json_output___', 'get_weather', 'json_outputs', 'my_json_output']);
    assert.deepEqual(escaped.map(unescapeAnthropicToolName), names);
  });

  it('escapes client tools, named tool choices and replayed tool calls in the request', () => {
    const sent = body({
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'json_output', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'json_output' } }],
      tool_choice: { type: 'function', function: { name: 'json_output' } },
    });
    assert.deepEqual(sent.tool_choice, { type: 'tool', name: 'json_output_' });
    assert.deepEqual(sent.tools, [{ name: 'json_output_', input_schema: { type: 'object', properties: {} } }]);
    assert.deepEqual(sent.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Go' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'json_output_', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] },
    ]);
  });
});

describe('response_format on Anthropic', () => {
  it('sends json_schema as output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const sent = body({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } });
    assert.deepEqual(sent.output_config, { format: { type: 'json_schema', schema } });
    assert.equal(sent.tools, undefined);
  });

  it('forces the json_output tool for json_object, and for a json_schema without a schema', () => {
    for (const format of [{ type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'any' } }] as const) {
      const sent = body({ response_format: format });
      assert.deepEqual(sent.tools, [jsonTool]);
      assert.deepEqual(sent.tool_choice, { type: 'tool', name: 'json_output' });
    }
  });

  it('lets the model choose between the client tools and json_output under auto', () => {
    const sent = body({ response_format: { type: 'json_object' }, tools: [weather], parallel_tool_calls: false });
    assert.deepEqual(
      (sent.tools as { name: string }[]).map((tool) => tool.name),
      ['get_weather', 'json_output'],
    );
    assert.deepEqual(sent.tool_choice, { type: 'any', disable_parallel_tool_use: true });
  });

  it('forces json_output under none, and adds nothing when a client tool call is required', () => {
    assert.deepEqual(body({ response_format: { type: 'json_object' }, tools: [weather], tool_choice: 'none' }).tool_choice, {
      type: 'tool',
      name: 'json_output',
    });
    const required = body({ response_format: { type: 'json_object' }, tools: [weather], tool_choice: 'required' });
    assert.deepEqual(required.tool_choice, { type: 'any' });
    assert.equal((required.tools as unknown[]).length, 1);
  });
});

function message(content: unknown[], stopReason: string): Record<string, unknown> {
  return { type: 'message', content, stop_reason: stopReason, usage: { input_tokens: 10, output_tokens: 5 } };
}

describe('json_output answers', () => {
  it('returns the json_output input as content and client tool names unescaped', () => {
    const json = anthropicAdapter.fromUpstream(message([{ type: 'tool_use', id: 'toolu_1', name: 'json_output', input: { a: 1 } }], 'tool_use'), ctx);
    validateOpenAI('CreateChatCompletionResponse', json);
    assert.deepEqual(json.choices[0]?.message, { role: 'assistant', content: '{"a":1}', refusal: null });
    assert.equal(json.choices[0]?.finish_reason, 'stop');

    const client = anthropicAdapter.fromUpstream(message([{ type: 'tool_use', id: 'toolu_2', name: 'json_output_', input: {} }], 'tool_use'), ctx);
    assert.equal(client.choices[0]?.message.tool_calls?.[0]?.function.name, 'json_output');
    assert.equal(client.choices[0]?.finish_reason, 'tool_calls');
  });

  it('streams the json_output input as content deltas and finishes with stop', () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    const events = [
      { type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'json_output', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a": ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_2', name: 'json_output', input: {} } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } },
      { type: 'message_stop' },
    ];
    const chunks: ChatCompletionChunk[] = events.flatMap((event) => translator.push({ data: JSON.stringify(event) }).chunks);
    for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    assert.deepEqual(deltas, [{ role: 'assistant', content: '' }, { content: '{"a": ' }, { content: '1}' }, { content: '{}' }, {}]);
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  });
});
