/**
 * Two more real clients against the gateway: the Vercel AI SDK (`@ai-sdk/openai-compatible`) and LangChain JS
 * (`@langchain/openai`), each streaming a chat and making a tool call on one model of each wire format.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { jsonSchema, streamText, tool } from 'ai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-haiku-4.5', gemini: 'gemini-2.5-flash' };

const weatherParameters = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const, description: 'City name' } },
  required: ['city'],
  additionalProperties: false,
};

describe('Vercel AI SDK (openai-compatible provider)', () => {
  const provider = () => createOpenAICompatible({ name: 'originalpoint', baseURL: `${gw.url}/v1`, apiKey: gw.apiKey, includeUsage: true });

  for (const [format, model] of Object.entries(MODELS)) {
    it(`${format}: streams text and reports usage`, async () => {
      const errors: unknown[] = [];
      const result = streamText({ model: provider()(model), prompt: 'Hello from the AI SDK', onError: ({ error }) => void errors.push(error) });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      assert.deepEqual(errors, []);
      assert.match(text, /Simulated reply/);
      assert.equal(await result.finishReason, 'stop');
      const usage = await result.usage;
      assert.ok((usage.inputTokens ?? 0) > 0 && (usage.outputTokens ?? 0) > 0);
    });

    it(`${format}: makes a tool call`, async () => {
      const result = streamText({
        model: provider()(model),
        prompt: 'What is the weather in Paris?',
        tools: { get_weather: tool({ description: 'Weather for a city', inputSchema: jsonSchema(weatherParameters) }) },
        toolChoice: 'required',
      });
      const calls: Array<{ toolName: string; input: unknown }> = [];
      for await (const part of result.fullStream) {
        if (part.type === 'error') assert.fail(String(part.error));
        if (part.type === 'tool-call') calls.push({ toolName: part.toolName, input: part.input });
      }
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.toolName, 'get_weather');
      assert.equal(typeof (calls[0]?.input as { city?: unknown } | undefined)?.city, 'string');
      assert.equal(await result.finishReason, 'tool-calls');
    });
  }
});

describe('LangChain JS (ChatOpenAI)', () => {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: gw.apiKey, configuration: { baseURL: `${gw.url}/v1` }, maxRetries: 0 });

  for (const [format, model] of Object.entries(MODELS)) {
    it(`${format}: streams text`, async () => {
      let text = '';
      for await (const chunk of await chat(model).stream('Hello from LangChain')) text += typeof chunk.content === 'string' ? chunk.content : '';
      assert.match(text, /Simulated reply/);
    });

    it(`${format}: makes a tool call`, async () => {
      const bound = chat(model).bindTools(
        [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherParameters } }],
        { tool_choice: 'required' },
      );
      const message = await bound.invoke('What is the weather in Paris?');
      assert.equal(message.tool_calls?.length, 1);
      assert.equal(message.tool_calls?.[0]?.name, 'get_weather');
      assert.equal(typeof message.tool_calls?.[0]?.args.city, 'string');
      assert.ok((message.tool_calls?.[0]?.id ?? '').length > 0);
    });
  }
});
