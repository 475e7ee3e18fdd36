import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { geminiAdapter } from './index.js';

const target = { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'k', upstreamModel: 'gemini-2.5-flash' };

function translate(overrides: Partial<ChatCompletionRequest>) {
  const req: ChatCompletionRequest = { model: 'gemini', messages: [{ role: 'user', content: 'Hi' }], ...overrides };
  return geminiAdapter.toUpstream(req, target, false);
}

describe('reasoning_effort → thinkingConfig', () => {
  const cases: Array<[string, unknown]> = [
    ['none', { thinkingBudget: 0 }],
    ['minimal', { thinkingBudget: 512, includeThoughts: true }],
    ['low', { thinkingBudget: 1024, includeThoughts: true }],
    ['medium', { thinkingBudget: 8192, includeThoughts: true }],
    ['high', { thinkingBudget: 24_576, includeThoughts: true }],
  ];
  for (const [effort, expected] of cases) {
    it(`maps ${effort}`, () => {
      const { request, warnings } = translate({ reasoning_effort: effort, temperature: 0.2 });
      assert.deepEqual(request.body.generationConfig, { temperature: 0.2, thinkingConfig: expected });
      assert.deepEqual(warnings, []);
    });
  }

  it('sends no thinking config without an effort, and warns about an unknown one', () => {
    assert.equal(translate({}).request.body.generationConfig, undefined);
    const unknown = translate({ reasoning_effort: 'extreme' });
    assert.equal(unknown.request.body.generationConfig, undefined);
    assert.deepEqual(unknown.warnings, ['reasoning_effort']);
  });
});
