import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NATIVE_BODY, type CanonicalChatRequest } from '../../core/chat-request.js';
import { anthropicAdapter } from './index.js';

const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-sonnet-4-5-20250929' };

/** A Messages body with what only Anthropic understands: cache breakpoints, signed thinking, Claude Code's fields. */
const clientBody = {
  model: 'claude-sonnet-4-5',
  max_tokens: 2048,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
  messages: [
    { role: 'user', content: 'What is 2+2?' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Add them.', signature: 'EqQBsig==' },
        { type: 'redacted_thinking', data: 'EmwKAhgB' },
        { type: 'text', text: '4' },
      ],
    },
    { role: 'user', content: 'And 3+3?' },
  ],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
  metadata: { user_id: 'user-1' },
  stream: true,
};

/** The canonical request a Messages door builds: its translation, plus the client's own body. */
function canonical(betas: readonly string[] = []): CanonicalChatRequest {
  return {
    model: 'claude-sonnet-4.5',
    messages: [{ role: 'user', content: 'And 3+3?' }],
    max_tokens: 2048,
    [NATIVE_BODY]: { format: 'anthropic', body: clientBody, betas },
  };
}

describe('toUpstream: a native Messages body', () => {
  it('sends the body as it came, with only the model and stream replaced', () => {
    const { request, warnings } = anthropicAdapter.toUpstream(canonical(), target, false);
    assert.equal(request.path, '/v1/messages');
    assert.deepEqual(request.body, { ...clientBody, model: 'claude-sonnet-4-5-20250929', stream: false });
    assert.deepEqual(warnings, []);
    assert.equal(clientBody.model, 'claude-sonnet-4-5', "the door's body is not changed");
  });

  it('sets stream to what the call does, whatever the client body said', () => {
    assert.equal(anthropicAdapter.toUpstream(canonical(), target, true).request.body.stream, true);
    assert.equal(anthropicAdapter.toUpstream(canonical(), target, false).request.body.stream, false);
  });

  it('sends the betas as one anthropic-beta header, and none when there are none', () => {
    const withBetas = anthropicAdapter.toUpstream(canonical(['context-management-2025-06-27', 'interleaved-thinking-2025-05-14']), target, true);
    assert.deepEqual(withBetas.request.headers, {
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'anthropic-beta': 'context-management-2025-06-27,interleaved-thinking-2025-05-14',
    });
    assert.equal('anthropic-beta' in anthropicAdapter.toUpstream(canonical(), target, true).request.headers, false);
  });

  it('translates the canonical request when no native body is attached', () => {
    const { [NATIVE_BODY]: _native, ...plain } = canonical();
    const { request } = anthropicAdapter.toUpstream(plain, target, false);
    assert.deepEqual(request.body, {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 2048,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'And 3+3?' }] }],
    });
  });

  it('keeps the native body through a copy of the request, as the gateway makes for fan-out', () => {
    const copy: CanonicalChatRequest = { ...canonical(), n: 1 };
    assert.equal(anthropicAdapter.toUpstream(copy, target, false).request.body.context_management !== undefined, true);
  });
});
