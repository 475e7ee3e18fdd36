/**
 * The Vercel AI SDK's default OpenAI provider against `POST /v1/responses` (issue 17): `createOpenAI({ baseURL,
 * apiKey })(model)` speaks the Responses API, so the most common TypeScript setup must work on every model. On one
 * model per upstream format and `auto`: `generateText`, `streamText` running a tool over several steps (the SDK
 * continues with the stored turn's `item_reference`s and `function_call_output`s), and `generateObject`.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});
afterEach(() => gw.simulator!.resetKnobs());

const MODELS = ['gpt-5', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'auto'];

/** The default provider, recording the paths it called. */
function provider(paths: string[]): ReturnType<typeof createOpenAI> {
  return createOpenAI({
    baseURL: `${gw.url}/v1`,
    apiKey: gw.apiKey,
    fetch: (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch(input, init);
    },
  });
}

const weather = tool({
  description: 'Weather for a city',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  }),
  execute: async ({ city }) => `sunny in ${city}`,
});

for (const model of MODELS) {
  describe(`AI SDK default provider on ${model}`, () => {
    it('generateText answers through /v1/responses with usage', async () => {
      const paths: string[] = [];
      const result = await generateText({ model: provider(paths)(model), prompt: 'Hello from the AI SDK' });
      assert.deepEqual(paths, ['/v1/responses']);
      assert.match(result.text, /^Simulated reply from .*Hello from the AI SDK/);
      assert.equal(result.finishReason, 'stop');
      assert.ok((result.usage.inputTokens ?? 0) > 0 && (result.usage.outputTokens ?? 0) > 0);
    });

    it('streamText runs a tool over several steps', async () => {
      const paths: string[] = [];
      const errors: unknown[] = [];
      const result = streamText({
        model: provider(paths)(model),
        prompt: 'What is the weather in Paris?',
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
        onError: ({ error }) => void errors.push(error),
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      assert.deepEqual(errors, []);
      const steps = await result.steps;
      assert.equal(steps.length, 2);
      assert.equal(steps[0]?.finishReason, 'tool-calls');
      const input = steps[0]?.toolCalls[0]?.input as { city: string } | undefined;
      assert.equal(steps[0]?.toolResults[0]?.output, `sunny in ${input?.city}`);
      assert.match(text, /The tool returned: sunny in/);
      assert.equal(await result.finishReason, 'stop');
      assert.deepEqual(paths, ['/v1/responses', '/v1/responses']);
    });

    it('generateObject returns an object of the schema', async () => {
      const result = await generateObject({
        model: provider([])(model),
        schema: jsonSchema<{ name: string; age: number }>({
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'number' } },
          required: ['name', 'age'],
          additionalProperties: false,
        }),
        prompt: 'Invent a person',
      });
      assert.equal(typeof result.object.name, 'string');
      assert.equal(typeof result.object.age, 'number');
    });
  });
}

describe('AI SDK default provider with Claude thinking', () => {
  it('the next step refers to the stored reasoning item by id, and Claude gets its signed thinking back', async () => {
    gw.simulator!.setKnobs('claude-sonnet-4-5', { reasoningTokens: 5 });
    const bodies: { input?: { type?: string }[]; reasoning?: { effort?: string } }[] = [];
    const openai = createOpenAI({
      baseURL: `${gw.url}/v1`,
      apiKey: gw.apiKey,
      fetch: (input, init) => {
        bodies.push(JSON.parse(String(init?.body)) as (typeof bodies)[number]);
        return fetch(input, init);
      },
    });
    const result = streamText({
      model: openai('claude-sonnet-4.5'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'low' } },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.match(text, /The tool returned: sunny in/);
    assert.match((await result.steps)[0]?.reasoningText ?? '', /^Thinking about/);
    // Thinking is on (the simulator then refuses a tool loop whose turn lost its thinking block, as Anthropic does).
    assert.equal(bodies[0]?.reasoning?.effort, 'low');
    assert.ok(
      bodies[1]?.input?.some((item) => item.type === 'item_reference'),
      JSON.stringify(bodies[1]),
    );
  });
});
