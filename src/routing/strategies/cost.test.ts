import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import { InMemoryHealthStore } from '../health.js';
import { deriveRequirements, filterCatalog, type Requirements } from '../requirements.js';
import { costStrategy, expectedCostUsd } from './cost.js';
import { defaultCatalog, manualClock, promptOfSize, runStrategyContract, textRequest } from './strategy.contract.test.js';

runStrategyContract('cost', () => costStrategy);

describe('cost strategy on the default catalog', () => {
  const catalog = defaultCatalog();
  const clock = manualClock();
  const health = new InMemoryHealthStore({ now: clock.now });

  function ranked(req: Requirements): string[] {
    const { capable } = filterCatalog(catalog, req, () => false);
    return costStrategy.rank(capable, req, health, clock.now()).map((s) => s.candidate.model.id);
  }

  function cheapestByHand(req: Requirements): string | undefined {
    const { capable } = filterCatalog(catalog, req, () => false);
    const costs = capable.map((c) => ({ id: c.model.id, cost: expectedCostUsd(c.model.pricing, req) }));
    return costs.sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : 1))[0]?.id;
  }

  const image: ChatCompletionRequest['messages'][number] = {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
    ],
  };
  const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } };

  const cases: Array<{ name: string; req: Requirements; expected: string }> = [
    { name: 'text', req: deriveRequirements(textRequest()), expected: 'gpt-5-nano' },
    { name: 'vision', req: deriveRequirements(textRequest({ messages: [image] })), expected: 'gpt-5-nano' },
    { name: 'tools', req: deriveRequirements(textRequest({ tools: [tool] })), expected: 'gpt-5-nano' },
    // 600k tokens only fit the 1M-context models; flash-lite is the cheapest of them.
    { name: 'long context', req: deriveRequirements(textRequest(), promptOfSize(600_000)), expected: 'gemini-2.5-flash-lite' },
    {
      name: 'long context with tools and vision',
      req: deriveRequirements(textRequest({ messages: [image], tools: [tool] }), promptOfSize(900_000)),
      expected: 'gemini-2.5-flash-lite',
    },
  ];
  for (const { name, req, expected } of cases) {
    it(`picks the cheapest capable model for a ${name} request`, () => {
      const order = ranked(req);
      assert.equal(order[0], expected);
      assert.equal(order[0], cheapestByHand(req));
    });
  }

  it('never offers a model without vision for an image request', () => {
    const order = ranked(deriveRequirements(textRequest({ messages: [image] })));
    assert.ok(!order.includes('deepseek-chat'));
    assert.ok(!order.includes('mistral-large'));
  });

  it('orders by expected cost including the requested output', () => {
    const req = deriveRequirements(textRequest({ max_tokens: 4000 }));
    const { capable } = filterCatalog(catalog, req, () => false);
    const costs = costStrategy.rank(capable, req, health, clock.now()).map((s) => s.score);
    assert.deepEqual(
      costs,
      [...costs].sort((a, b) => a - b),
    );
    const nano = expectedCostUsd({ input_per_million: 0.05, output_per_million: 0.4 }, req);
    assert.equal(costs[0], nano);
    assert.equal(nano, (req.promptTokens * 0.05 + 4000 * 0.4) / 1e6);
  });

  it('breaks equal costs by model id', () => {
    // claude-sonnet-4, claude-sonnet-4.5 and grok-4 share the $3/$15 list price.
    const order = ranked(deriveRequirements(textRequest()));
    const sameprice = order.filter((id) => ['grok-4', 'claude-sonnet-4.5', 'claude-sonnet-4'].includes(id));
    assert.deepEqual(sameprice, ['claude-sonnet-4', 'claude-sonnet-4.5', 'grok-4']);
  });
});
