import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ToUpstreamResult } from '../types.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicAdapter } from './index.js';

const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-sonnet-4-5' };

function translate(overrides: Partial<ChatCompletionRequest> = {}, stream = false): ToUpstreamResult {
  const req: ChatCompletionRequest = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], ...overrides };
  return anthropicAdapter.toUpstream(req, target, stream);
}

function body(overrides: Partial<ChatCompletionRequest> = {}, stream = false): Record<string, unknown> {
  return translate(overrides, stream).request.body;
}

function assertInvalid(overrides: Partial<ChatCompletionRequest>, param: string): void {
  assert.throws(
    () => translate(overrides),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.code === 'invalid_request' && error.param === param,
  );
}

describe('toUpstream: request envelope', () => {
  it('posts to /v1/messages with the Anthropic headers and a JSON-safe body', () => {
    const { request, warnings } = translate();
    assert.equal(request.path, '/v1/messages');
    assert.deepEqual(request.headers, {
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    assert.deepEqual(request.body, {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    assert.deepEqual(JSON.parse(JSON.stringify(request.body)), request.body);
    assert.deepEqual(warnings, []);
  });

  it('always sends max_tokens, preferring max_completion_tokens over max_tokens', () => {
    assert.equal(ANTHROPIC_DEFAULT_MAX_TOKENS, 4096);
    assert.equal(body({ max_tokens: 100 }).max_tokens, 100);
    assert.equal(body({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens, 200);
    assert.equal(body({ max_tokens: null }).max_tokens, ANTHROPIC_DEFAULT_MAX_TOKENS);
  });

  it('sets stream only when streaming', () => {
    assert.equal(body({}, true).stream, true);
    assert.equal('stream' in body({ stream: true }, false), false, 'the stream argument decides, not req.stream');
  });
});

describe('toUpstream: sampling and metadata', () => {
  it('clamps temperature to [0, 1] and warns when it clamps', () => {
    const hot = translate({ temperature: 1.7 });
    assert.equal(hot.request.body.temperature, 1);
    assert.deepEqual(hot.warnings, ['temperature above 1 (clamped to 1)']);
    const mild = translate({ temperature: 0.3 });
    assert.equal(mild.request.body.temperature, 0.3);
    assert.deepEqual(mild.warnings, []);
    assert.equal(body({ temperature: 0 }).temperature, 0);
    assert.equal('temperature' in body({ temperature: null }), false);
  });

  it('passes top_p, turns stop into stop_sequences and the end user into metadata.user_id', () => {
    const out = body({ top_p: 0.5, stop: 'END', user: 'user-1' });
    assert.equal(out.top_p, 0.5);
    assert.deepEqual(out.stop_sequences, ['END']);
    assert.deepEqual(out.metadata, { user_id: 'user-1' });
    assert.deepEqual(body({ stop: ['a', 'b'] }).stop_sequences, ['a', 'b']);
    assert.deepEqual(body({ user: 'old', safety_identifier: 'new' }).metadata, { user_id: 'new' });
  });

  it('drops fields with no equivalent and lists them in warnings', () => {
    const { request, warnings } = translate({
      presence_penalty: 0.5,
      frequency_penalty: 0.1,
      logit_bias: { '50256': -100 },
      seed: 7,
      logprobs: true,
      top_logprobs: 3,
      n: 2,
      response_format: { type: 'json_object' },
    });
    assert.deepEqual(warnings, ['presence_penalty', 'frequency_penalty', 'logit_bias', 'seed', 'logprobs', 'top_logprobs', 'n']);
    for (const field of ['presence_penalty', 'frequency_penalty', 'logit_bias', 'seed', 'logprobs', 'top_logprobs', 'n', 'response_format']) {
      assert.equal(field in request.body, false, `${field} is not sent`);
    }
  });

  it('warns about OpenAI platform fields Anthropic has no use for', () => {
    const { warnings } = translate({ service_tier: 'flex', store: true, metadata: { run: '1' }, verbosity: 'low' });
    assert.deepEqual(warnings, ['service_tier', 'store', 'metadata', 'verbosity']);
    assert.deepEqual(translate({ store: false }).warnings, []);
  });

  it('never sends store or the priced OpenAI features, on the gateway key or a BYOK one', () => {
    const req: ChatCompletionRequest = {
      model: 'claude',
      messages: [{ role: 'user', content: 'Hi' }],
      store: true,
      service_tier: 'priority',
      web_search_options: {},
      modalities: ['text', 'audio'],
    };
    for (const byok of [false, true]) {
      const sent = anthropicAdapter.toUpstream(req, { ...target, byok }, false).request.body;
      for (const field of ['store', 'service_tier', 'web_search_options', 'modalities']) assert.equal(field in sent, false, field);
    }
  });

  it('does not warn about settings that ask for nothing', () => {
    assert.deepEqual(translate({ n: 1, logprobs: false, seed: null, response_format: { type: 'text' } }).warnings, []);
  });
});

describe('toUpstream: conversation and tools in the body', () => {
  it('puts the converted system prompt, turns and tools into the body', () => {
    const { request, warnings } = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?', name: 'alice' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      tool_choice: 'required',
    });
    assert.deepEqual(request.body, {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any' },
    });
    assert.deepEqual(warnings, ['messages[].name']);
  });

  it('rejects a conversation with no user or assistant content', () => {
    assertInvalid({ messages: [{ role: 'system', content: 'Only a system prompt' }] }, 'messages');
  });

  it('lets a 400 from the message conversion through', () => {
    const messages: ChatCompletionRequest['messages'] = [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }] },
    ];
    assertInvalid({ messages }, 'messages[1].tool_calls[0].function.arguments');
  });
});
