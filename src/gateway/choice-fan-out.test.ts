import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat-response.js';
import { GatewayError } from '../core/gateway-error.js';
import type { StreamStep } from '../providers/types.js';
import { mergeChoiceStreams, mergeCompletions, sumUsage } from './choice-fan-out.js';

const completion = (text: string, prompt: number, output: number): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output },
});

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

async function* steps(...items: StreamStep[]): AsyncGenerator<StreamStep> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

describe('sumUsage', () => {
  it('adds counts and details', () => {
    const total = sumUsage([
      { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } },
      undefined,
      { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, completion_tokens_details: { reasoning_tokens: 1 } },
    ]);
    assert.deepEqual(total, {
      prompt_tokens: 20,
      completion_tokens: 5,
      total_tokens: 25,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
  });

  it('adds prompt cache writes, keeping the one-hour part', () => {
    const write = (tokens: number, oneHour?: number) => ({
      prompt_tokens: tokens + 5,
      completion_tokens: 1,
      total_tokens: tokens + 6,
      prompt_tokens_details:
        oneHour === undefined
          ? { cached_tokens: 0, cache_write_tokens: tokens }
          : { cached_tokens: 0, cache_write_tokens: tokens, cache_write_1h_tokens: oneHour },
    });
    const total = sumUsage([
      write(100, 100),
      write(50),
      { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, prompt_tokens_details: { cached_tokens: 150 } },
    ]);
    assert.deepEqual(total.prompt_tokens_details, { cached_tokens: 150, cache_write_tokens: 150, cache_write_1h_tokens: 100 });
  });
});

describe('mergeCompletions', () => {
  it('indexes choice i from completion i and sums usage', () => {
    const merged = mergeCompletions([completion('a', 10, 1), completion('b', 10, 2), completion('c', 10, 3)]);
    assert.deepEqual(
      merged.choices.map((c) => [c.index, c.message.content]),
      [
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
      ],
    );
    assert.deepEqual(merged.usage, { prompt_tokens: 30, completion_tokens: 6, total_tokens: 36 });
  });
});

describe('mergeChoiceStreams', () => {
  it('re-indexes every chunk to its stream and reports summed usage', async () => {
    const merged = mergeChoiceStreams([
      steps({ chunks: [chunk('a1')] }, { chunks: [chunk('a2')], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
      steps({ chunks: [chunk('b1')] }, { chunks: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }),
    ]);
    const byChoice = new Map<number, string>();
    let usage: StreamStep['usage'];
    for await (const step of merged) {
      for (const c of step.chunks)
        for (const choice of c.choices) byChoice.set(choice.index, (byChoice.get(choice.index) ?? '') + (choice.delta.content ?? ''));
      if (step.usage !== undefined) usage = step.usage;
    }
    assert.deepEqual(Object.fromEntries(byChoice), { 0: 'a1a2', 1: 'b1' });
    assert.deepEqual(usage, { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
  });

  it('ends at the first error', async () => {
    const error = new GatewayError(503, 'provider_unavailable', 'down');
    const seen: StreamStep[] = [];
    for await (const step of mergeChoiceStreams([
      steps({ chunks: [], error }),
      steps({ chunks: [chunk('x')] }, { chunks: [chunk('y')] }, { chunks: [chunk('z')] }),
    ])) {
      seen.push(step);
    }
    assert.equal(seen.at(-1)?.error, error);
    assert.ok(seen.length < 4);
  });
});
