import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { convertToAnthropicTools } from './tools.js';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const bareTool = { type: 'function' as const, function: { name: 'ping' } };

function convert(overrides: Partial<ChatCompletionRequest>) {
  return convertToAnthropicTools({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], ...overrides });
}

describe('convertToAnthropicTools', () => {
  it('converts tools, defaulting a missing schema to an empty object schema', () => {
    const out = convert({ tools: [weatherTool, bareTool] });
    assert.deepEqual(out, {
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'ping', input_schema: { type: 'object', properties: {} } },
      ],
      warnings: [],
    });
  });

  const choices: Array<[ChatCompletionRequest['tool_choice'], unknown]> = [
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { type: 'tool', name: 'get_weather' },
    ],
  ];
  for (const [choice, expected] of choices) {
    it(`maps tool_choice ${JSON.stringify(choice)}`, () => {
      assert.deepEqual(convert({ tools: [weatherTool], tool_choice: choice }).tool_choice, expected);
    });
  }

  it('maps parallel_tool_calls: false to disable_parallel_tool_use', () => {
    assert.deepEqual(convert({ tools: [weatherTool], parallel_tool_calls: false }).tool_choice, {
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(convert({ tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false }).tool_choice, {
      type: 'any',
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(convert({ tools: [weatherTool], tool_choice: 'none', parallel_tool_calls: false }).tool_choice, {
      type: 'none',
    });
    assert.equal(convert({ tools: [weatherTool], parallel_tool_calls: true }).tool_choice, undefined);
  });

  it('sends nothing without tools, and warns about a tool_choice it drops', () => {
    assert.deepEqual(convert({ tool_choice: 'required' }), { warnings: ['tool_choice'] });
    assert.deepEqual(convert({ tools: [], parallel_tool_calls: false }), { warnings: [] });
  });

  it('drops strict with a warning', () => {
    const out = convert({ tools: [{ type: 'function', function: { ...weatherTool.function, strict: true } }] });
    assert.deepEqual(out.warnings, ['tools[].function.strict']);
    assert.equal(out.tools?.[0] !== undefined && 'strict' in out.tools[0], false);
  });
});
