import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NATIVE_BODY } from '../../core/chat-request.js';
import { checkMessagesRequest } from './check-request.js';
import type { MessagesRequest } from './request-schema.js';
import { toCanonicalRequest } from './to-canonical.js';

function canonical(fields: Record<string, unknown>, nativeOnly = false) {
  const body = { model: 'gpt-5', max_tokens: 300, messages: [{ role: 'user', content: 'Hi' }], ...fields } as MessagesRequest;
  return toCanonicalRequest(checkMessagesRequest(body), { betas: ['b-1'], nativeOnly });
}

const PNG = 'iVBORw0KGgo=';

describe('Messages → canonical request', () => {
  it('maps the request fields', () => {
    const req = canonical({
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stream: true,
      metadata: { user_id: 'u-1' },
      routing: 'latency',
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    const { [NATIVE_BODY]: native, ...plain } = req;
    assert.deepEqual(plain, {
      model: 'gpt-5',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 300,
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      user: 'u-1',
      routing: 'latency',
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } },
    });
    assert.equal(native?.format, 'anthropic');
    assert.deepEqual(native?.betas, ['b-1']);
    assert.equal(native?.body.routing, undefined, 'our routing field never reaches Claude');
    assert.equal(native?.body.top_k, 5, 'the native body keeps what the canonical request cannot say');
  });

  it('keeps a mid-conversation system turn in place as a system message; the native body keeps it as sent', () => {
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'system', content: [{ type: 'text', text: '# Environment' }] },
      { role: 'assistant', content: 'Hello' },
    ];
    const req = canonical({ messages });
    assert.deepEqual(req.messages, [
      { role: 'user', content: 'Hi' },
      { role: 'system', content: [{ type: 'text', text: '# Environment' }] },
      { role: 'assistant', content: 'Hello' },
    ]);
    assert.deepEqual(req[NATIVE_BODY]?.body.messages, messages);
  });

  it('translates a tool round trip: tool_use → tool_calls, tool_result → tool message first, its images after', () => {
    const req = canonical({
      tools: [{ name: 'read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Read a' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should read it.', signature: 'sig-1' },
            { type: 'text', text: 'Reading.' },
            { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'file body' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
            { type: 'text', text: 'What is in it?' },
          ],
        },
      ],
    });
    assert.deepEqual(req.tools, [
      {
        type: 'function',
        function: { name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      },
    ]);
    assert.equal(req.tool_choice, 'required');
    assert.equal(req.parallel_tool_calls, false);
    assert.deepEqual(req.messages.slice(1), [
      {
        role: 'assistant',
        content: 'Reading.',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } }],
        reasoning_details: [{ type: 'reasoning.text', text: 'I should read it.', signature: 'sig-1', format: 'anthropic' }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'file body' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'What is in it?' },
        ],
      },
    ]);
  });

  it('turns images, PDFs, text documents and search results into parts', () => {
    const req = canonical({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', title: 'Report', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
            { type: 'search_result', source: 'https://example.com', title: 'Result', content: [{ type: 'text', text: 'snippet' }] },
          ],
        },
      ],
    });
    assert.deepEqual(req.messages[0], {
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'file', file: { filename: 'Report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        { type: 'text', text: 'plain words' },
        { type: 'text', text: 'Result\nhttps://example.com\nsnippet' },
      ],
    });
  });

  it('maps thinking to reasoning_effort by budget, and output_config.effort without it', () => {
    const effort = (fields: Record<string, unknown>) => canonical(fields).reasoning_effort;
    assert.equal(effort({ thinking: { type: 'enabled', budget_tokens: 1024 } }), 'low');
    assert.equal(effort({ thinking: { type: 'enabled', budget_tokens: 4000 } }), 'medium');
    assert.equal(effort({ thinking: { type: 'enabled', budget_tokens: 20000 } }), 'high');
    assert.equal(effort({ thinking: { type: 'disabled' }, output_config: { effort: 'high' } }), undefined);
    assert.equal(effort({ output_config: { effort: 'max' } }), 'high');
    assert.equal(effort({}), undefined);
  });

  it('refuses what only Claude can do for a model that is not only Claude, and leaves it to the native body otherwise', () => {
    const bash = { tools: [{ type: 'bash_20250124', name: 'bash' }] };
    assert.throws(() => canonical(bash), { status: 400, param: 'tools[0]' });
    assert.equal(canonical(bash, true).tools, undefined);
    const urlDocument = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            { type: 'text', text: 'Sum up' },
          ],
        },
      ],
    };
    assert.throws(() => canonical(urlDocument), { status: 400, param: 'messages[0].content[0].source' });
    assert.deepEqual(canonical(urlDocument, true).messages, [{ role: 'user', content: 'Sum up' }]);
  });

  it('leaves server-tool history out for other models, and keeps it as text to measure for Claude', () => {
    const search = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'tides' } };
    const fields = {
      messages: [
        { role: 'user', content: 'Search' },
        { role: 'assistant', content: [search, { type: 'text', text: 'Found.' }] },
        { role: 'user', content: 'Thanks' },
      ],
    };
    assert.deepEqual(canonical(fields).messages[1], { role: 'assistant', content: 'Found.' });
    assert.deepEqual(canonical(fields, true).messages[1], {
      role: 'assistant',
      content: [
        { type: 'text', text: JSON.stringify(search) },
        { type: 'text', text: 'Found.' },
      ],
    });
  });

  it('leaves unsigned thinking (written for another model) out of both the canonical and the native body', () => {
    const req = canonical({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'gpt reasoning', signature: '' },
            { type: 'text', text: 'Hello' },
          ],
        },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'only this', signature: '' }] },
        { role: 'user', content: 'Again' },
      ],
    });
    assert.deepEqual(req.messages[1], { role: 'assistant', content: 'Hello' });
    const native = req[NATIVE_BODY]?.body.messages;
    assert.deepEqual(native, [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
      { role: 'user', content: 'Again' },
    ]);
  });
});
