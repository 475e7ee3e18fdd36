import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateOpenAI } from '../../../test/openai-schemas.js';
import type { UpstreamCompletion } from '../../core/chat-response.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { TranslateContext } from '../types.js';
import { fromGeminiResponse } from './response.js';
import { decodeGeminiThoughtSignature, encodeGeminiToolCallId } from './tool-call-id.js';

const ctx: TranslateContext = { model: 'gemini-pro', id: 'chatcmpl-gem123', created: 1_700_000_000 };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
}

function translate(body: unknown): UpstreamCompletion {
  const completion = fromGeminiResponse(body, ctx);
  validateOpenAI('CreateChatCompletionResponse', completion);
  return completion;
}

function assertMalformed(body: unknown): void {
  assert.throws(
    () => fromGeminiResponse(body, ctx),
    (error: unknown) => error instanceof GatewayError && error.status === 502 && error.code === 'provider_error',
  );
}

describe('fromGeminiResponse: recorded fixtures', () => {
  it('google-text.json: text, stop, thoughts counted as reasoning tokens', () => {
    const completion = translate(fixture('google-text.json'));
    assert.equal(completion.id, 'chatcmpl-gem123');
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.created, 1_700_000_000);
    assert.equal(completion.model, 'gemini-pro');
    assert.equal(completion.choices.length, 1);
    const [choice] = completion.choices;
    assert.equal(choice?.index, 0);
    assert.equal(choice?.finish_reason, 'stop');
    assert.equal(choice?.logprobs, null);
    assert.deepEqual(choice?.message, {
      role: 'assistant',
      content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      refusal: null,
    });
    assert.deepEqual(completion.usage, {
      prompt_tokens: 9,
      completion_tokens: 272,
      total_tokens: 281,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 244 },
    });
  });

  it('google-tool-call.json: STOP with a functionCall becomes tool_calls, the signature rides in the id', () => {
    const completion = translate(fixture('google-tool-call.json'));
    const [choice] = completion.choices;
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.equal(choice?.message.content, null);
    assert.equal(choice?.message.tool_calls?.length, 1);
    const call = choice?.message.tool_calls?.[0];
    assert.equal(call?.type, 'function');
    assert.equal(call?.function.name, 'weather');
    assert.deepEqual(JSON.parse(call?.function.arguments ?? ''), { location: 'San Francisco' });
    const signature = 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5';
    assert.equal(call?.id, encodeGeminiToolCallId(ctx.id, 0, 0, signature));
    assert.equal(decodeGeminiThoughtSignature(call?.id ?? ''), signature);
    assert.deepEqual(completion.usage, {
      prompt_tokens: 29,
      completion_tokens: 908,
      total_tokens: 937,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 893 },
    });
  });

  it('google-tool-use-usage.json: empty text is null content; tool-use prompt tokens count as prompt', () => {
    const completion = translate(fixture('google-tool-use-usage.json'));
    assert.deepEqual(completion.choices, [
      { index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    assert.deepEqual(completion.usage, {
      prompt_tokens: 144,
      completion_tokens: 107,
      total_tokens: 251,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 56 },
    });
  });

  it('issue-19758-prompt-block.json: a blocked prompt is one empty choice with content_filter', () => {
    const completion = translate(fixture('issue-19758-prompt-block.json'));
    assert.deepEqual(completion.choices, [
      { index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    assert.equal(completion.usage?.prompt_tokens, 9);
    assert.equal(completion.usage?.completion_tokens, 0);
    assert.equal(completion.usage?.total_tokens, 9);
  });
});

describe('fromGeminiResponse: shapes', () => {
  it('separates thought text into reasoning_content and keeps text, calls and their order', () => {
    const completion = translate({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Let me think. ', thought: true },
              { text: 'Hmm.', thought: true },
              { text: 'Calling ' },
              { functionCall: { name: 'a', args: { x: 1 } } },
              { text: 'both.' },
              { functionCall: { name: 'b' } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    });
    const message = completion.choices[0]?.message;
    assert.equal(message?.content, 'Calling both.');
    assert.equal(message?.reasoning_content, 'Let me think. Hmm.');
    assert.deepEqual(
      message?.tool_calls?.map((call) => [call.id, call.function.name, call.function.arguments]),
      [
        [encodeGeminiToolCallId(ctx.id, 0, 0), 'a', '{"x":1}'],
        [encodeGeminiToolCallId(ctx.id, 0, 1), 'b', '{}'],
      ],
    );
    assert.equal(completion.choices[0]?.finish_reason, 'tool_calls');
    // No usageMetadata: no usage, so settling counts the tokens itself instead of billing zero.
    assert.equal(completion.usage, undefined);
  });

  it('gives one choice per candidate, by index, with its own finish reason', () => {
    const completion = translate({
      candidates: [
        { index: 0, content: { parts: [{ text: 'one' }] }, finishReason: 'STOP' },
        { index: 1, content: { parts: [{ text: 'tw' }] }, finishReason: 'MAX_TOKENS' },
        { index: 2, finishReason: 'SAFETY' },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, cachedContentTokenCount: 4, totalTokenCount: 8 },
    });
    assert.deepEqual(
      completion.choices.map((c) => [c.index, c.message.content, c.finish_reason]),
      [
        [0, 'one', 'stop'],
        [1, 'tw', 'length'],
        [2, null, 'content_filter'],
      ],
    );
    assert.deepEqual(completion.usage?.prompt_tokens_details, { cached_tokens: 4 });
  });

  it('maps an unknown finish reason to stop', () => {
    const completion = translate({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'NEW_REASON' }] });
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
  });

  it('rejects bodies that are not a GenerateContentResponse', () => {
    assertMalformed('not json');
    assertMalformed(null);
    assertMalformed({});
    assertMalformed({ candidates: [] });
    assertMalformed({ candidates: 'x' });
    assertMalformed({ candidates: [{ content: { parts: [{ text: 5 }] } }] });
    assertMalformed({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] });
    assertMalformed({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: [1] } }] } }] });
    assertMalformed({ candidates: [{ content: { parts: [] } }], usageMetadata: { promptTokenCount: -1 } });
    assertMalformed({ candidates: [{ index: 'zero' }] });
  });
});
