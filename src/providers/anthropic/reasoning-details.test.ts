/**
 * Signed thinking across turns: Claude's thinking blocks come out as `reasoning_details` (answers and streams) and go
 * back in, unchanged and first in their turn, so a client can keep Claude thinking through a tool loop.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { ChatCompletionRequest, ChatMessage, ReasoningDetail } from '../../core/chat-request.js';
import type { ChatCompletionChunk } from '../../core/chat-response.js';
import { anthropicAdapter } from './index.js';
import { convertToAnthropicMessages } from './messages.js';

const ctx = { id: 'chatcmpl-think', model: 'claude-sonnet', created: 1_700_000_000 };
const target = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', upstreamModel: 'claude-sonnet-4-5' };

function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

const signed: ReasoningDetail = { type: 'reasoning.text', text: 'Check the weather tool.', signature: 'EqQBsig==', format: 'anthropic' };
const redacted: ReasoningDetail = { type: 'reasoning.encrypted', data: 'EmwKAhgBEgy3va==', format: 'anthropic' };
const call = { id: 'toolu_1', type: 'function' as const, function: { name: 'weather', arguments: '{"city":"Paris"}' } };

describe('reasoning_details out of answers', () => {
  it('a signed thinking block (recorded) becomes reasoning_content and a reasoning.text entry with its signature', () => {
    const body = JSON.parse(fixture('issue-13430-thinking-tool-call.json')) as { content: Array<Record<string, string>> };
    const completion = anthropicAdapter.fromUpstream(body, ctx);
    validateOpenAI('CreateChatCompletionResponse', completion);
    const message = completion.choices[0]?.message;
    const thinking = body.content[0];
    assert.equal(message?.reasoning_content, thinking?.thinking);
    assert.deepEqual(message?.reasoning_details, [
      { type: 'reasoning.text', text: thinking?.thinking, signature: thinking?.signature, format: 'anthropic' },
    ]);
  });

  it('redacted_thinking becomes a reasoning.encrypted entry, in block order, with no reasoning text', () => {
    const body = {
      type: 'message',
      content: [
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va==' },
        { type: 'thinking', thinking: 'Check the weather tool.', signature: 'EqQBsig==' },
        { type: 'text', text: 'Sunny.' },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    const message = anthropicAdapter.fromUpstream(body, ctx).choices[0]?.message;
    assert.deepEqual(message?.reasoning_details, [redacted, signed]);
    assert.equal(message?.reasoning_content, 'Check the weather tool.');
    assert.equal(message?.content, 'Sunny.');
  });

  it('an answer without thinking has no reasoning_details', () => {
    const message = anthropicAdapter.fromUpstream(JSON.parse(fixture('anthropic-text.json')), ctx).choices[0]?.message;
    assert.equal(message !== undefined && 'reasoning_details' in message, false);
  });
});

function replay(lines: string[]): ChatCompletionChunk[] {
  const translator = anthropicAdapter.createStreamTranslator(ctx);
  const chunks = lines.flatMap((data) => translator.push({ data }).chunks);
  for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
  return chunks;
}

describe('reasoning_details out of streams', () => {
  it('a recorded thinking block ends with one complete entry (text and signature), before the answer text', () => {
    const lines = fixture('anthropic-clear-thinking.1.chunks.txt')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const chunks = replay(lines);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta ?? {});
    const withDetails = deltas.flatMap((delta, at) => (delta.reasoning_details === undefined ? [] : [{ at, details: delta.reasoning_details }]));
    assert.equal(withDetails.length, 1);
    const signatureEvent = lines
      .map((line) => JSON.parse(line) as { delta?: { type: string; signature?: string } })
      .find((e) => e.delta?.type === 'signature_delta');
    const reasoning = deltas.map((delta) => delta.reasoning_content ?? '').join('');
    assert.deepEqual(withDetails[0]?.details, [
      { type: 'reasoning.text', text: reasoning, signature: signatureEvent?.delta?.signature, format: 'anthropic' },
    ]);
    const firstText = deltas.findIndex((delta) => (delta.content ?? '') !== '');
    assert.ok((withDetails[0]?.at ?? Infinity) < firstText, 'the entry comes when the thinking block stops, before the text block');
  });

  it('a redacted_thinking block ends with its reasoning.encrypted entry', () => {
    const chunks = replay([
      JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 1, output_tokens: 1 } } }),
      JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va==' } }),
      JSON.stringify({ type: 'content_block_stop', index: 0 }),
      JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
      JSON.stringify({ type: 'message_stop' }),
    ]);
    const details = chunks.flatMap((chunk) => chunk.choices[0]?.delta.reasoning_details ?? []);
    assert.deepEqual(details, [redacted]);
  });
});

describe('reasoning_details back into requests', () => {
  it("an assistant turn's anthropic entries become its leading thinking blocks, in order", () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Let me check.', tool_calls: [call], reasoning_details: [signed, redacted] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
    ]);
    assert.deepEqual(messages[1], {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Check the weather tool.', signature: 'EqQBsig==' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va==' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
      ],
    });
  });

  it("drops other formats' entries and unsigned text, which Anthropic cannot verify", () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: 'Hello.',
        reasoning_details: [
          { type: 'reasoning.encrypted', data: 'gAAAA-openai', format: 'openai-responses-v1' },
          { type: 'reasoning.text', text: 'unsigned', format: 'anthropic' },
          signed,
        ],
      },
    ];
    assert.deepEqual(convertToAnthropicMessages(messages).messages[1]?.content, [
      { type: 'thinking', thinking: 'Check the weather tool.', signature: 'EqQBsig==' },
      { type: 'text', text: 'Hello.' },
    ]);
  });

  it('round trip: the thinking blocks of an answer go back exactly as Claude sent them', () => {
    const body = JSON.parse(fixture('issue-13430-thinking-tool-call.json')) as { content: unknown[] };
    const answer = anthropicAdapter.fromUpstream(body, ctx).choices[0]?.message;
    assert.ok(answer !== undefined);
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Check the sandbox.' },
      { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls, reasoning_details: answer.reasoning_details },
    ]);
    assert.deepEqual(
      messages[1]?.content,
      body.content.map((block) => {
        const { caller: _caller, ...rest } = block as Record<string, unknown>;
        return rest;
      }),
    );
  });
});

describe('thinking through a tool loop', () => {
  const loop = (details: ReasoningDetail[] | undefined): Partial<ChatCompletionRequest> => ({
    reasoning_effort: 'low',
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      details === undefined
        ? { role: 'assistant', content: null, tool_calls: [call] }
        : { role: 'assistant', content: null, tool_calls: [call], reasoning_details: details },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
    ],
  });
  const translate = (overrides: Partial<ChatCompletionRequest>) =>
    anthropicAdapter.toUpstream({ model: 'claude', messages: [], ...overrides }, target, false);

  it('stays on when the turn that called the tools carries its signed thinking', () => {
    for (const details of [[signed], [redacted]]) {
      const { request, warnings } = translate(loop(details));
      assert.deepEqual(request.body.thinking, { type: 'enabled', budget_tokens: 1024 });
      assert.deepEqual(warnings, []);
    }
  });

  it('is off when that turn has no thinking it can replay', () => {
    for (const details of [undefined, [{ ...signed, format: 'gemini' }]]) {
      const { request, warnings } = translate(loop(details));
      assert.equal('thinking' in request.body, false);
      assert.deepEqual(warnings, ['reasoning_effort (thinking is off: tool results follow a turn whose thinking cannot be replayed)']);
    }
  });
});
