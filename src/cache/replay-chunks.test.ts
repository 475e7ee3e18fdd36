import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat-response.js';
import { CompletionAssembler } from './assemble-completion.js';
import { replayChunks } from './replay-chunks.js';

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost_usd: 0.001 };

function completion(message: ChatCompletion['choices'][number]['message'], finish: 'stop' | 'tool_calls' = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 100,
    model: 'claude-haiku-4.5',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage,
  };
}

function assemble(chunks: readonly ChatCompletionChunk[], maxChars = 10_000): ChatCompletion | undefined {
  const assembler = new CompletionAssembler(maxChars);
  assembler.add(chunks);
  return assembler.completion(usage);
}

describe('replayChunks and CompletionAssembler', () => {
  it('round-trip text, tool calls and a refusal', () => {
    for (const original of [
      completion({ role: 'assistant', content: 'Hello there', refusal: null }),
      completion(
        {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        },
        'tool_calls',
      ),
      completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }),
    ]) {
      assert.deepEqual(assemble(replayChunks(original)), original);
    }
  });

  it("replays Claude's thinking block by block: each block's text, then its signed entry", () => {
    const details = [
      { type: 'reasoning.text' as const, text: 'First, ', signature: 'sig1', format: 'anthropic' },
      { type: 'reasoning.encrypted' as const, data: 'opaque', format: 'anthropic' },
      { type: 'reasoning.text' as const, text: 'then.', signature: 'sig2', format: 'anthropic' },
    ];
    const original = completion({ role: 'assistant', content: 'Done', refusal: null, reasoning_content: 'First, then.', reasoning_details: details });
    const chunks = replayChunks(original);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    assert.deepEqual(deltas.slice(0, 7), [
      { role: 'assistant', content: '' },
      { reasoning_content: 'First, ' },
      { reasoning_details: [details[0]] },
      { reasoning_details: [details[1]] },
      { reasoning_content: 'then.' },
      { reasoning_details: [details[2]] },
      { content: 'Done' },
    ]);
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(assemble(chunks), original);
  });

  it('keeps every choice of an n > 1 answer apart', () => {
    const original: ChatCompletion = {
      ...completion({ role: 'assistant', content: 'one', refusal: null }),
      choices: [
        { index: 0, message: { role: 'assistant', content: 'one', refusal: null }, logprobs: null, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'two', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      system_fingerprint: 'fp_1',
    };
    const chunks = replayChunks(original);
    assert.ok(chunks.every((chunk) => chunk.system_fingerprint === 'fp_1' && chunk.id === 'chatcmpl-1'));
    assert.deepEqual(assemble(chunks), original);
  });

  it('assembles a live stream whose pieces arrive split, and refuses one that never finished or grew too large', () => {
    const head = { id: 'chatcmpl-9', object: 'chat.completion.chunk' as const, created: 5, model: 'gpt-4o-mini' };
    const live: ChatCompletionChunk[] = [
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] },
      {
        ...head,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a"' } }] },
            finish_reason: null,
          },
        ],
      },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: null }] },
    ];
    const finish: ChatCompletionChunk = { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] };
    assert.equal(assemble(live), undefined, 'cut before its finish reason');
    assert.deepEqual(assemble([...live, finish])?.choices[0]?.message, {
      role: 'assistant',
      content: 'Hello',
      refusal: null,
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    assert.equal(assemble([...live, finish], 8), undefined, 'more output than the entry may hold');
    assert.equal(assemble([]), undefined);
  });
});
