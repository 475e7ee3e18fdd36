import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMessagesRequest } from './check-request.js';
import type { MessagesRequest } from './request-schema.js';

/** A body as the route's schema lets it through; blocks are plain objects until checked. */
function body(fields: Record<string, unknown>): MessagesRequest {
  return { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...fields } as MessagesRequest;
}

const toolTurn = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } }] };

describe('checkMessagesRequest', () => {
  it('turns the conversation into typed turns, a string content into one text block', () => {
    const checked = checkMessagesRequest(
      body({
        messages: [
          { role: 'user', content: 'Read a' },
          toolTurn,
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'x' }] }] },
        ],
      }),
    );
    assert.deepEqual(
      checked.turns.map((turn) => [turn.role, turn.at, turn.blocks.map((block) => block.type)]),
      [
        ['user', 0, ['text']],
        ['assistant', 1, ['tool_use']],
        ['user', 2, ['tool_result']],
      ],
    );
  });

  it('takes mid-conversation system turns (Claude Code sends them) as text, outside the turn rules', () => {
    const checked = checkMessagesRequest(
      body({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: [{ type: 'text', text: '# Environment' }] },
          toolTurn,
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] },
        ],
      }),
    );
    assert.deepEqual(
      checked.turns.map((turn) => turn.role),
      ['user', 'system', 'assistant', 'system', 'user'],
    );
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } };
    assert.throws(
      () =>
        checkMessagesRequest(
          body({
            messages: [
              { role: 'user', content: 'Hi' },
              { role: 'system', content: [image] },
            ],
          }),
        ),
      { status: 400, param: 'messages[1].content[0].type' },
    );
    assert.throws(
      () =>
        checkMessagesRequest(
          body({
            messages: [
              { role: 'user', content: 'Hi' },
              { role: 'system', content: [] },
            ],
          }),
        ),
      {
        status: 400,
        param: 'messages[1].content',
      },
    );
  });

  it('refuses a conversation that does not start with the user', () => {
    assert.throws(() => checkMessagesRequest(body({ messages: [{ role: 'assistant', content: 'Hello' }] })), {
      status: 400,
      param: 'messages[0].role',
    });
  });

  it('refuses a tool_result that answers no earlier tool_use', () => {
    const messages = [
      { role: 'user', content: 'Read a' },
      toolTurn,
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'x' }] },
    ];
    assert.throws(
      () => checkMessagesRequest(body({ messages })),
      (error: Error & { param?: string }) => {
        assert.equal(error.param, 'messages[2].content[0].tool_use_id');
        assert.match(error.message, /toolu_2/);
        return true;
      },
    );
  });

  it('refuses unknown block types, blocks in the wrong turn, and a block that does not fit its type, naming the field', () => {
    const cases: Array<[unknown[], string, RegExp]> = [
      [[{ type: 'audio', data: 'x' }], 'messages[0].content[0].type', /unknown content block type "audio"/],
      [[{ type: 'tool_use', id: 't', name: 'n', input: {} }], 'messages[0].content[0].type', /not allowed in user turns/],
      [[{ type: 'text' }], 'messages[0].content[0].text', /text/],
      [[{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA' } }], 'messages[0].content[0].source', /source/],
      [[{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'tool_use' }] }], 'messages[0].content[0].content[0].type', /unknown/],
    ];
    for (const [content, param, message] of cases) {
      assert.throws(
        () => checkMessagesRequest(body({ messages: [{ role: 'user', content }] })),
        (error: Error & { param?: string }) => {
          assert.equal(error.param, param, JSON.stringify(content));
          assert.match(error.message, message);
          return true;
        },
      );
    }
    const assistant = [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] },
    ];
    assert.throws(() => checkMessagesRequest(body({ messages: assistant })), { param: 'messages[1].content[0].type' });
  });

  it('accepts thinking, redacted thinking and server-tool history in assistant turns', () => {
    const messages = [
      { role: 'user', content: 'Search' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Let me search.', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'text', text: 'Found it.' },
        ],
      },
      { role: 'user', content: 'Thanks' },
    ];
    const checked = checkMessagesRequest(body({ messages }));
    assert.equal(checked.turns[1]?.blocks.length, 5);
  });

  it('refuses empty user content and fields Anthropic does not know', () => {
    assert.throws(() => checkMessagesRequest(body({ messages: [{ role: 'user', content: [] }] })), { param: 'messages[0].content' });
    assert.throws(() => checkMessagesRequest(body({ messages: [{ role: 'user', content: '' }] })), { param: 'messages[0].content' });
    assert.throws(
      () => checkMessagesRequest(body({ frequency_penalty: 1 })),
      (error: Error & { param?: string }) => {
        assert.equal(error.param, 'frequency_penalty');
        assert.match(error.message, /Extra inputs are not permitted/);
        return true;
      },
    );
  });

  it('sorts tools into custom and Anthropic-defined, and checks tool_choice names one', () => {
    const tools = [
      { name: 'read', input_schema: { type: 'object', properties: {} } },
      { type: 'bash_20250124', name: 'bash' },
    ];
    const checked = checkMessagesRequest(body({ tools, tool_choice: { type: 'tool', name: 'bash' } }));
    assert.deepEqual(
      checked.tools.map((tool) => tool.kind),
      ['custom', 'defined'],
    );
    assert.throws(() => checkMessagesRequest(body({ tools, tool_choice: { type: 'tool', name: 'write' } })), { param: 'tool_choice.name' });
    assert.throws(() => checkMessagesRequest(body({ tools: [{ name: 'read', input_schema: { properties: {} } }] })), {
      param: 'tools[0].input_schema.type',
    });
  });
});
