import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NativeBody } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { anthropicAdapter } from './index.js';

const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-haiku-4-5-20251001' };
const counting = anthropicAdapter.countTokens;

const native: NativeBody = {
  format: 'anthropic',
  body: {
    model: 'claude-haiku-4-5',
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'Hello' }],
    tools: [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
  },
  betas: ['token-counting-2024-11-01'],
};

describe('Anthropic count_tokens', () => {
  it('posts the body as it came to /v1/messages/count_tokens, with the deployment model and the betas', () => {
    assert.ok(counting !== undefined);
    const { request } = counting.toUpstream(native, target);
    assert.equal(request.path, '/v1/messages/count_tokens');
    assert.deepEqual(request.headers, {
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'anthropic-beta': 'token-counting-2024-11-01',
    });
    assert.deepEqual(request.body, { ...native.body, model: 'claude-haiku-4-5-20251001' });
  });

  it('reads input_tokens from the answer', () => {
    assert.equal(counting?.fromUpstream({ input_tokens: 2095 }), 2095);
    assert.equal(counting?.fromUpstream({ input_tokens: 0, context_management: null }), 0);
  });

  for (const [label, body] of [
    ['an answer without a count', {}],
    ['a negative count', { input_tokens: -1 }],
    ['a fractional count', { input_tokens: 1.5 }],
    ['a non-object', 'tokens'],
  ] as const) {
    it(`throws a retryable 502 for ${label}`, () => {
      assert.throws(
        () => counting?.fromUpstream(body),
        (error: unknown) => error instanceof GatewayError && error.status === 502 && /token count/.test(error.message),
      );
    });
  }
});
