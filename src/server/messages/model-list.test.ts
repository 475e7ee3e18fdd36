import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig } from '../../config/types.js';
import { anthropicModelPage, toAnthropicModelInfo, type AnthropicModelInfo } from './model-list.js';

const model = (id: string, created: number): ModelConfig => ({
  id,
  owned_by: 'x',
  created,
  context_length: 1000,
  max_output_tokens: 100,
  pricing: { input_per_million: 1, output_per_million: 2 },
  capabilities: { vision: false, tools: true },
  deployments: [{ provider: 'p', model: id }],
});

const models: AnthropicModelInfo[] = ['a', 'b', 'c', 'd', 'e'].map((id, i) => toAnthropicModelInfo(model(id, i * 86_400)));
const ids = (page: { data: AnthropicModelInfo[] }): string[] => page.data.map((m) => m.id);

describe("Anthropic's model list", () => {
  it('shows a model as Anthropic does, created_at in RFC 3339', () => {
    assert.deepEqual(toAnthropicModelInfo(model('claude-sonnet-4.5', 1759104000)), {
      type: 'model',
      id: 'claude-sonnet-4.5',
      display_name: 'claude-sonnet-4.5',
      created_at: '2025-09-29T00:00:00Z',
    });
  });

  it('pages forward with limit and after_id', () => {
    const first = anthropicModelPage(models, { limit: '2' });
    assert.deepEqual([ids(first), first.has_more, first.first_id, first.last_id], [['a', 'b'], true, 'a', 'b']);
    const second = anthropicModelPage(models, { limit: '2', after_id: 'b' });
    assert.deepEqual([ids(second), second.has_more], [['c', 'd'], true]);
    const last = anthropicModelPage(models, { limit: '2', after_id: 'd' });
    assert.deepEqual([ids(last), last.has_more], [['e'], false]);
  });

  it('pages backward with before_id, and defaults to 20 a page', () => {
    const back = anthropicModelPage(models, { limit: '2', before_id: 'd' });
    assert.deepEqual([ids(back), back.has_more], [['b', 'c'], true]);
    assert.deepEqual(ids(anthropicModelPage(models, {})), ['a', 'b', 'c', 'd', 'e']);
    const empty = anthropicModelPage([], {});
    assert.deepEqual(empty, { data: [], has_more: false, first_id: null, last_id: null });
  });

  it('refuses a limit outside 1..1000 with a 400 naming it', () => {
    for (const limit of ['0', '1001', 'x', '2.5']) {
      assert.throws(() => anthropicModelPage(models, { limit }), { status: 400, param: 'limit' }, limit);
    }
  });
});
