/**
 * Two more real clients against the gateway: the Vercel AI SDK (`@ai-sdk/openai-compatible`) and LangChain JS
 * (`@langchain/openai`), each streaming a chat on one model of each wire format.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { streamText } from 'ai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-haiku-4.5', gemini: 'gemini-2.5-flash' };

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
  }
});
