import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { UpstreamCompletion } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import { anthropicAdapter } from './index.js';

const ctx = { id: 'chatcmpl-test123', model: 'claude-sonnet', created: 1_700_000_000 };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as unknown;
}

function translate(body: unknown): UpstreamCompletion {
  const completion = anthropicAdapter.fromUpstream(body, ctx);
  validateOpenAI('CreateChatCompletionResponse', completion);
  return completion;
}

function firstChoice(completion: UpstreamCompletion) {
  assert.equal(completion.choices.length, 1);
  const choice = completion.choices[0];
  assert.ok(choice);
  return choice;
}

describe('fromUpstream with recorded responses', () => {
  it('anthropic-text.json: one text block, end_turn', () => {
    const completion = translate(fixture('anthropic-text.json'));
    assert.equal(completion.id, ctx.id);
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, ctx.model);
    assert.equal(completion.created, ctx.created);
    const choice = firstChoice(completion);
    assert.equal(choice.index, 0);
    assert.equal(choice.logprobs, null);
    assert.equal(choice.finish_reason, 'stop');
    assert.deepEqual(choice.message, {
      role: 'assistant',
      content: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      refusal: null,
    });
    assert.deepEqual(completion.usage, {
      prompt_tokens: 12,
      completion_tokens: 29,
      total_tokens: 41,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('anthropic-tool-no-args.json: text then a no-argument tool call', () => {
    const choice = firstChoice(translate(fixture('anthropic-tool-no-args.json')));
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.ok(choice.message.content?.startsWith('<thinking>\nThe updateIssueList tool'), 'literal tags stay text');
    assert.ok(choice.message.content?.endsWith('Okay, I will update the current issue list:'));
    assert.equal(choice.message.reasoning_content, undefined);
    assert.deepEqual(choice.message.tool_calls, [
      { id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } },
    ]);
  });

  it('issue-13430-thinking-tool-call.json: thinking goes to reasoning_content, never content', () => {
    const completion = translate(fixture('issue-13430-thinking-tool-call.json'));
    const choice = firstChoice(completion);
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.reasoning_content, 'The user wants me to call checkSandboxErrors immediately.');
    assert.deepEqual(choice.message.tool_calls, [
      { id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', type: 'function', function: { name: 'checkSandboxErrors', arguments: '{}' } },
    ]);
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.deepEqual(completion.usage, {
      prompt_tokens: 599,
      completion_tokens: 59,
      total_tokens: 658,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 18 },
    });
  });
});

function message(content: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 4 },
    ...extra,
  };
}

describe('fromUpstream translation rules', () => {
  it('concatenates text blocks and stringifies tool inputs', () => {
    const choice = firstChoice(
      translate(
        message([
          { type: 'text', text: 'Hello, ' },
          { type: 'text', text: 'world' },
          { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: { city: 'Paris', days: [1, 2] } },
        ]),
      ),
    );
    assert.equal(choice.message.content, 'Hello, world');
    const call = choice.message.tool_calls?.[0];
    assert.deepEqual(JSON.parse(call?.function.arguments ?? ''), { city: 'Paris', days: [1, 2] });
  });

  it('skips block types it does not translate', () => {
    const choice = firstChoice(
      translate(
        message([
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'text', text: 'answer' },
        ]),
      ),
    );
    assert.equal(choice.message.content, 'answer');
    assert.equal(choice.message.tool_calls, undefined);
    assert.equal(choice.message.reasoning_content, undefined);
    assert.equal(choice.message.reasoning_details, undefined);
  });

  it('attaches the upstream body itself as native, for a door that answers in Anthropic format', () => {
    const body = fixture('issue-13430-thinking-tool-call.json');
    assert.equal(translate(body).native, body);
  });

  it('gives null content when there is no text block', () => {
    assert.equal(firstChoice(translate(message([]))).message.content, null);
  });

  it('counts cached prompt tokens', () => {
    const usage = translate(
      message([{ type: 'text', text: 'x' }], {
        usage: { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 5 },
      }),
    ).usage;
    assert.ok(usage !== undefined);
    assert.equal(usage.prompt_tokens, 60);
    assert.equal(usage.total_tokens, 65);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 30, cache_write_tokens: 20 });
  });

  it('maps stop reasons, unknown ones to stop', () => {
    assert.equal(firstChoice(translate(message([], { stop_reason: 'max_tokens' }))).finish_reason, 'length');
    assert.equal(firstChoice(translate(message([], { stop_reason: 'brand_new' }))).finish_reason, 'stop');
  });

  const malformed: Array<[string, unknown]> = [
    ['null', null],
    ['an empty object', {}],
    ['an error body', fixture('anthropic-issue-17366-error.json')],
    ['a message whose content is not a list', message([], { content: 'hi' })],
    ['a message without usage', message([], { usage: undefined })],
    ['a message with negative token counts', message([], { usage: { input_tokens: -1, output_tokens: 1 } })],
    ['a text block without text', message([{ type: 'text' }])],
    ['a tool_use block without an id', message([{ type: 'tool_use', name: 'f', input: {} }])],
    ['a tool_use block whose input is not an object', message([{ type: 'tool_use', id: 't', name: 'f', input: 'x' }])],
    ['a tool_use block whose input is a list', message([{ type: 'tool_use', id: 't', name: 'f', input: [1] }])],
  ];
  for (const [label, body] of malformed) {
    it(`throws a 502 for ${label}`, () => {
      assert.throws(
        () => anthropicAdapter.fromUpstream(body, ctx),
        (error: unknown) =>
          error instanceof GatewayError && error.status === 502 && error.code === 'provider_error' && /response/.test(error.message),
      );
    });
  }
});
