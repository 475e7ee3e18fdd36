import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import type { ChatCompletionRequest } from '../core/chat-request.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Candidate } from '../routing/catalog.js';
import { createProviderKeyTester } from './provider-key-tester.js';

describe('provider key tester', () => {
  it('tests a key with the provider’s cheapest chat model, never an embedding model (cheaper, but no chat)', async () => {
    const config = loadConfig({ env: {} });
    const calls: { model: string; deployment: string }[] = [];
    const gateway = {
      complete: async (req: ChatCompletionRequest, candidates: readonly Candidate[]) => {
        calls.push({ model: req.model, deployment: candidates[0]?.deployment.model ?? '' });
        return {};
      },
    } as unknown as Gateway;
    const test = createProviderKeyTester({ gateway, providers: config.providers, models: config.models });
    await test('openai', 'sk-test');
    await test('google', 'AIza-test');
    await test('mistral', 'sk-test');
    assert.deepEqual(calls, [
      { model: 'gpt-5-nano', deployment: 'gpt-5-nano' },
      { model: 'gemini-2.5-flash-lite', deployment: 'gemini-2.5-flash-lite' },
      { model: 'mistral-large', deployment: 'mistral-large-latest' },
    ]);
  });
});
