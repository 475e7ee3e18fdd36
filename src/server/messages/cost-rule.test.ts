import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMessagesRequest } from './check-request.js';
import { applyCostRule } from './cost-rule.js';
import type { MessagesRequest } from './request-schema.js';

function rule(fields: Record<string, unknown>, betas?: string | string[]): string[] {
  const body = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...fields } as MessagesRequest;
  return applyCostRule(checkMessagesRequest(body), betas);
}

const refusal = (param: string, message: RegExp) => (error: Error & { status?: number; param?: string }) => {
  assert.equal(error.status, 400);
  assert.equal(error.param, param);
  assert.match(error.message, message);
  return true;
};

describe('the cost rule for Messages bodies', () => {
  it('refuses server tools (billed per use), and unknown Anthropic-defined tool types with them', () => {
    for (const type of [
      'web_search_20250305',
      'web_fetch_20250910',
      'code_execution_20250825',
      'tool_search_tool_regex_20251119',
      'new_thing_20990101',
    ]) {
      assert.throws(() => rule({ tools: [{ type, name: 'x' }] }), refusal('tools[0]', /billed per use/), type);
    }
  });

  it('lets custom tools and the tools Anthropic defines for the client to run pass', () => {
    const tools = [
      { name: 'read', input_schema: { type: 'object' } },
      { type: 'bash_20250124', name: 'bash' },
      { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
      { type: 'memory_20250818', name: 'memory' },
    ];
    assert.deepEqual(rule({ tools }), []);
  });

  it('refuses mcp_servers, container, fast mode and regional inference, naming each', () => {
    assert.throws(() => rule({ mcp_servers: [{ type: 'url', url: 'https://example.com', name: 'x' }] }), refusal('mcp_servers', /MCP/));
    assert.throws(() => rule({ container: 'container_1' }), refusal('container', /by the hour/));
    assert.throws(() => rule({ speed: 'fast' }), refusal('speed', /premium/));
    assert.throws(() => rule({ inference_geo: 'us' }), refusal('inference_geo', /"global"/));
    assert.deepEqual(rule({ mcp_servers: [], container: null, speed: 'standard', inference_geo: 'global', service_tier: 'standard_only' }), []);
  });

  it('refuses file sources anywhere in a user turn: images, documents, tool results, documents made of blocks', () => {
    const file = { type: 'file', file_id: 'file_1' };
    const cases: Array<[unknown, string]> = [
      [{ type: 'image', source: file }, 'messages[0].content[0].source'],
      [{ type: 'document', source: file }, 'messages[0].content[0].source'],
      [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: file }] }, 'messages[2].content[0].content[0].source'],
      [
        { type: 'document', source: { type: 'content', content: [{ type: 'image', source: file }] } },
        'messages[0].content[0].source.content[0].source',
      ],
    ];
    for (const [block, param] of cases) {
      const inResult = param.startsWith('messages[2]');
      const messages = inResult
        ? [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] },
            { role: 'user', content: [block] },
          ]
        : [{ role: 'user', content: [block] }];
      assert.throws(() => rule({ messages }), refusal(param, /file_id/), param);
    }
  });

  it('drops the long-context and fast-mode betas and keeps the rest, from one header or several', () => {
    assert.deepEqual(rule({}, 'context-1m-2025-08-07, interleaved-thinking-2025-05-14,fast-mode-2026-02-01,oauth-2025-04-20'), [
      'interleaved-thinking-2025-05-14',
    ]);
    assert.deepEqual(rule({}, ['a-1', ' b-2 ']), ['a-1', 'b-2']);
    assert.deepEqual(rule({}), []);
  });
});
