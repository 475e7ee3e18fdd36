import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { openAIAdapter } from './index.js';

const target = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test', upstreamModel: 'gpt-5' };

describe('openai request: reasoning_details', () => {
  it('are taken off assistant turns (no OpenAI-format upstream reads them), the rest of each turn kept', () => {
    const req: ChatCompletionRequest = {
      model: 'gpt-5',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }],
          reasoning_details: [{ type: 'reasoning.text', text: 'Use the tool.', signature: 'EqQB', format: 'anthropic' }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
    };
    const { request } = openAIAdapter.toUpstream(req, target, false);
    assert.deepEqual(request.body.messages, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
    ]);
    assert.ok('reasoning_details' in (req.messages[1] ?? {}), "the client's request is not changed");
  });

  it('leave a conversation without them as it is', () => {
    const req: ChatCompletionRequest = { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] };
    assert.equal(openAIAdapter.toUpstream(req, target, false).request.body.messages, req.messages);
  });
});
