/**
 * Translation fidelity end to end (issue 3): the same OpenAI request through each wire format, via the openai SDK,
 * with the simulator producing tool calls, images, reasoning, refusals, JSON and cached tokens.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { validateOpenAI } from '../openai-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});
afterEach(() => gw.simulator!.resetKnobs());

/** Catalog id → upstream model name the simulator sees. */
const FORMATS = {
  openai: ['gpt-4o-mini', 'gpt-4o-mini'],
  anthropic: ['claude-haiku-4.5', 'claude-haiku-4-5'],
  gemini: ['gemini-2.5-flash', 'gemini-2.5-flash'],
} as const;
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<OpenAI.ChatCompletionChunk[]> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    chunks.push(chunk);
  }
  return chunks;
}

for (const [format, [model, upstream]] of Object.entries(FORMATS)) {
  describe(`${format} (${model})`, () => {
    it('tool call round trip: call, then the tool result answered in text (streamed arguments are valid JSON)', async () => {
      const first = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
      validateOpenAI('CreateChatCompletionResponse', first);
      const call = first.choices[0]?.message.tool_calls?.[0];
      assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
      assert.ok(call !== undefined && call.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.equal(typeof (JSON.parse(call.function.arguments) as { city: unknown }).city, 'string');

      const second = await gw.client().chat.completions.create({
        model,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: 'sunny and 21C' },
        ],
      });
      assert.equal(second.choices[0]?.finish_reason, 'stop');
      assert.match(second.choices[0]?.message.content ?? '', /The tool returned: sunny and 21C/);

      const chunks = await collect(
        await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, stream: true }),
      );
      const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      assert.ok(fragments.length >= 1);
      assert.ok(fragments.every((f) => f.index === 0));
      assert.equal(fragments[0]?.function?.name, 'get_weather');
      assert.ok((fragments[0]?.id ?? '').length > 0);
      const args = fragments.map((f) => f.function?.arguments ?? '').join('');
      assert.equal(typeof (JSON.parse(args) as { city: unknown }).city, 'string');
      assert.equal(
        chunks
          .flatMap((c) => c.choices.map((ch) => ch.finish_reason))
          .filter((f) => f !== null)
          .join(),
        'tool_calls',
      );
    });

    it('accepts a data: image and the model sees it', async () => {
      const completion = await gw.client().chat.completions.create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: PNG } },
            ],
          },
        ],
      });
      assert.match(completion.choices[0]?.message.content ?? '', /I see 1 image/);
    });

    it('keeps reasoning out of content and counts reasoning tokens', async () => {
      gw.simulator!.setKnobs(upstream, { reasoningTokens: 6 });
      const completion = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Think first' }] });
      const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
      assert.match(message.reasoning_content ?? '', /Thinking about/);
      assert.doesNotMatch(message.content ?? '', /Thinking about/);
      assert.equal(completion.usage?.completion_tokens_details?.reasoning_tokens, 6);
      const chunks = await collect(
        await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Think first' }], stream: true }),
      );
      const deltas = chunks.map((c) => c.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined);
      assert.match(deltas.map((d) => d?.reasoning_content ?? '').join(''), /Thinking about/);
      assert.doesNotMatch(deltas.map((d) => d?.content ?? '').join(''), /Thinking about/);
    });

    it('answers JSON for response_format json_schema', async () => {
      const completion = await gw.client().chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Give me a city as JSON' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'city', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
        },
      });
      const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as { name?: unknown };
      assert.equal(typeof parsed.name, 'string');
      assert.equal(completion.choices[0]?.finish_reason, 'stop');
    });

    it('reports cached prompt tokens and charges them at the cached price', async () => {
      gw.simulator!.setKnobs(upstream, { cachedPromptTokens: 4 });
      const completion = await gw
        .client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'A prompt long enough to have some cached tokens in it' }] });
      assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 4);
      const usage = completion.usage as OpenAI.CompletionUsage & { cost_usd: number };
      const prices: Record<string, [number, number, number]> = {
        'gpt-4o-mini': [0.15, 0.075, 0.6],
        'claude-haiku-4.5': [1, 0.1, 5],
        'gemini-2.5-flash': [0.3, 0.03, 2.5],
      };
      const [input, cached, output] = prices[model] ?? [NaN, NaN, NaN];
      const expected = ((usage.prompt_tokens - 4) * input + 4 * cached + usage.completion_tokens * output) / 1e6;
      assert.ok(Math.abs(usage.cost_usd - expected) < 1e-9, `${usage.cost_usd} vs ${expected}`);
    });
  });
}

describe('refusals and blocked prompts', () => {
  it('Anthropic refusal and Gemini prompt block finish with content_filter; OpenAI carries message.refusal', async () => {
    for (const [model, upstream] of [FORMATS.anthropic, FORMATS.gemini]) {
      gw.simulator!.setKnobs(upstream, { refuse: true });
      const completion = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'something bad' }] });
      assert.equal(completion.choices[0]?.finish_reason, 'content_filter', model);
      const chunks = await collect(
        await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'something bad' }], stream: true }),
      );
      assert.ok(
        chunks.some((c) => c.choices[0]?.finish_reason === 'content_filter'),
        model,
      );
    }
    gw.simulator!.setKnobs('gpt-4o-mini', { refuse: true });
    const openai = await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'something bad' }] });
    assert.match(openai.choices[0]?.message.refusal ?? '', /can't help/);
    assert.equal(openai.choices[0]?.message.content, null);
  });
});

describe('Gemini 3 thought signatures', () => {
  it('survive a round trip through an OpenAI client that knows nothing about them', async () => {
    const first = await gw
      .client()
      .chat.completions.create({ model: 'gemini-3-pro', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(call !== undefined && call.type === 'function');
    // The simulator, like Gemini 3, answers 400 when the replayed call lacks its thoughtSignature.
    const second = await gw.client().chat.completions.create({
      model: 'gemini-3-pro',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }],
        },
        { role: 'tool', tool_call_id: call.id, content: 'snow' },
      ],
    });
    assert.match(second.choices[0]?.message.content ?? '', /The tool returned: snow/);
  });
});

describe('image policy', () => {
  it('refuses a vision request to a model without vision, naming the model', async () => {
    await assert.rejects(
      gw
        .client()
        .chat.completions.create({ model: 'mistral-large', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: PNG } }] }] }),
      (error: unknown) => (error as { status: number }).status === 400 && /mistral-large/.test((error as Error).message),
    );
  });

  it('refuses a Gemini image URL that points at a private address (after DNS) with a 400', async () => {
    for (const url of ['http://127.0.0.1:9/cat.png', 'http://localhost/cat.png', 'http://169.254.169.254/latest', 'file:///etc/passwd']) {
      await assert.rejects(
        gw
          .client()
          .chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }),
        (error: unknown) =>
          (error as { status: number; param: string }).status === 400 &&
          (error as { param: string }).param === 'messages[0].content[0].image_url.url',
        url,
      );
    }
  });
});
