import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../core/gateway-error.js';
import type { ResponsesTool, ToolChoice } from './request-schema.js';
import { translateTools } from './tools.js';

const weather: ResponsesTool = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true };
const time: ResponsesTool = { type: 'function', name: 'get_time' };
const patch: ResponsesTool = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Patch files',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' },
};

function badChoice(choice: ToolChoice, tools: ResponsesTool[] = [weather, patch]): GatewayError {
  try {
    translateTools(tools, choice);
  } catch (error) {
    assert.ok(error instanceof GatewayError && error.status === 400);
    return error;
  }
  assert.fail('expected a 400');
}

describe('translateTools', () => {
  it('maps function tools field for field and custom tools to one-string functions quoting their grammar', () => {
    const translated = translateTools([weather, time, patch, { type: 'web_search' }, { type: 'namespace' }], undefined);
    assert.deepEqual(translated.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true } },
      { type: 'function', function: { name: 'get_time' } },
      {
        type: 'function',
        function: {
          name: 'apply_patch',
          description: 'Patch files\n\nThe input must follow this lark grammar:\nstart: "x"',
          parameters: {
            type: 'object',
            properties: { input: { type: 'string', description: 'The raw input of the tool.' } },
            required: ['input'],
            additionalProperties: false,
          },
        },
      },
    ]);
    assert.deepEqual([...translated.customNames], ['apply_patch']);
    assert.deepEqual(translated.dropped, ['web_search', 'namespace']);
    assert.equal(translated.toolChoice, undefined);
    assert.deepEqual(
      translated.echo.map((tool) => [tool.type, tool.name, tool.parameters, tool.strict]),
      [
        ['function', 'get_weather', { type: 'object' }, true],
        ['function', 'get_time', null, null],
        ['custom', 'apply_patch', undefined, undefined],
      ],
    );
  });

  it('maps tool_choice: modes as they are, a named function or custom tool, allowed_tools narrowing the list', () => {
    assert.equal(translateTools([weather], 'required').toolChoice, 'required');
    assert.deepEqual(translateTools([weather, patch], { type: 'custom', name: 'apply_patch' }).toolChoice, {
      type: 'function',
      function: { name: 'apply_patch' },
    });
    const allowed = translateTools([weather, time, patch], {
      type: 'allowed_tools',
      mode: 'required',
      tools: [{ type: 'function', name: 'get_time' }],
    });
    assert.deepEqual(
      allowed.tools.map((tool) => tool.function.name),
      ['get_time'],
    );
    assert.equal(allowed.toolChoice, 'required');
  });

  it('sends no tool_choice when no tool is left (hosted tools only)', () => {
    const translated = translateTools([{ type: 'web_search_preview' }], 'required');
    assert.deepEqual([translated.tools, translated.toolChoice], [[], undefined]);
  });

  it('refuses a choice of a hosted tool, of a tool not in the list or of the wrong kind, and duplicate names', () => {
    assert.equal(badChoice({ type: 'web_search_preview' }).param, 'tool_choice');
    assert.equal(badChoice({ type: 'function', name: 'nope' }).param, 'tool_choice.name');
    assert.equal(badChoice({ type: 'function', name: 'apply_patch' }).param, 'tool_choice.name');
    assert.equal(badChoice({ type: 'custom', name: 'get_weather' }).param, 'tool_choice.name');
    assert.equal(badChoice('auto', [weather, { type: 'custom', name: 'get_weather' }]).param, 'tools[1].name');
  });
});
