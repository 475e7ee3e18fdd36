import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ToUpstreamResult } from '../types.js';
import { anthropicAdapter } from './index.js';

const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-sonnet-4-5' };

function translate(overrides: Partial<ChatCompletionRequest>): ToUpstreamResult {
  const req: ChatCompletionRequest = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], ...overrides };
  return anthropicAdapter.toUpstream(req, target, false);
}

describe('reasoning_effort → thinking', () => {
  it('enables thinking with a budget per effort, adding it to the default answer room', () => {
    for (const [effort, budget] of [
      ['low', 1024],
      ['medium', 8192],
      ['high', 24_576],
    ] as const) {
      const { request, warnings } = translate({ reasoning_effort: effort });
      assert.deepEqual(request.body.thinking, { type: 'enabled', budget_tokens: budget });
      assert.equal(request.body.max_tokens, 4096 + budget);
      assert.deepEqual(warnings, []);
    }
  });

  it('keeps a client max_tokens, which counts thinking, and shrinks the budget to fit', () => {
    const { request } = translate({ reasoning_effort: 'high', max_completion_tokens: 2000 });
    assert.equal(request.body.max_tokens, 2000);
    assert.deepEqual(request.body.thinking, { type: 'enabled', budget_tokens: 1999 });
    assert.deepEqual(translate({ reasoning_effort: 'low', max_tokens: 8000 }).request.body.thinking, {
      type: 'enabled',
      budget_tokens: 1024,
    });
  });

  it('sends no thinking for none and minimal, without warnings', () => {
    for (const effort of ['none', 'minimal']) {
      const { request, warnings } = translate({ reasoning_effort: effort });
      assert.equal('thinking' in request.body, false);
      assert.equal(request.body.max_tokens, 4096);
      assert.deepEqual(warnings, []);
    }
  });

  it('warns about an effort it does not know', () => {
    const { request, warnings } = translate({ reasoning_effort: 'extreme' });
    assert.equal('thinking' in request.body, false);
    assert.deepEqual(warnings, ['reasoning_effort']);
  });

  it('drops temperature and a top_p below 0.95, which thinking does not allow', () => {
    const { request, warnings } = translate({ reasoning_effort: 'low', temperature: 0.2, top_p: 0.5 });
    assert.equal('temperature' in request.body, false);
    assert.equal('top_p' in request.body, false);
    assert.deepEqual(warnings, ['temperature (not allowed with thinking)', 'top_p (below 0.95 is not allowed with thinking)']);
    assert.equal(translate({ reasoning_effort: 'low', top_p: 0.97 }).request.body.top_p, 0.97);
  });

  const blocked: Array<[string, Partial<ChatCompletionRequest>, string]> = [
    [
      'a forced tool choice',
      { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'required' },
      'reasoning_effort (thinking is off: the tool choice forces a tool)',
    ],
    ['the json_object emulation', { response_format: { type: 'json_object' } }, 'reasoning_effort (thinking is off: the tool choice forces a tool)'],
    ['a max_tokens too small for a budget', { max_tokens: 1024 }, 'reasoning_effort (thinking is off: max_tokens is at most 1024)'],
    [
      'a continued tool loop',
      {
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 't1', content: 'Sunny' },
        ],
      },
      'reasoning_effort (thinking is off: tool results follow a turn whose thinking cannot be replayed)',
    ],
  ];
  for (const [label, overrides, warning] of blocked) {
    it(`keeps thinking off with ${label}, and says so`, () => {
      const { request, warnings } = translate({ reasoning_effort: 'medium', temperature: 0.3, ...overrides });
      assert.equal('thinking' in request.body, false);
      assert.equal(request.body.temperature, 0.3, 'sampling is untouched');
      assert.deepEqual(warnings, [warning]);
    });
  }
});
