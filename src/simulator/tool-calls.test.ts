import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argumentFragments, planToolCalls, selectTools, toolCallTokens, type ToolSpec } from './tool-calls.js';

const tools: ToolSpec[] = [
  { name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  { name: 'now', parameters: undefined },
];

describe('planToolCalls', () => {
  it('cycles through the tools, each call starting one word later', () => {
    const calls = planToolCalls(tools, 3, ['red', 'green', 'blue']);
    assert.deepEqual(
      calls.map((call) => [call.name, call.arguments]),
      [
        ['search', '{"query":"red"}'],
        ['now', '{}'],
        ['search', '{"query":"blue"}'],
      ],
    );
    assert.deepEqual(calls[0]?.input, { query: 'red' });
    assert.equal(toolCallTokens(calls[0] ?? { name: '', input: {}, arguments: '' }), 1 + 4);
  });

  it('makes no calls without tools, and an object even for a non-object schema', () => {
    assert.deepEqual(planToolCalls([], 2, ['w']), []);
    assert.deepEqual(planToolCalls([{ name: 'odd', parameters: { type: 'string' } }], 1, ['w'])[0]?.input, {});
  });
});

describe('argumentFragments', () => {
  it('splits into at least two pieces of at most 8 characters that join back', () => {
    assert.deepEqual(argumentFragments('{}'), ['{', '}']);
    const json = JSON.stringify({ query: 'a longer value with 😀 inside' });
    const fragments = argumentFragments(json);
    assert.ok(fragments.length >= 2);
    assert.ok(fragments.every((fragment) => fragment.length <= 9));
    assert.equal(fragments.join(''), json);
    assert.ok(
      fragments.every((fragment) => !/[\uD800-\uDBFF]$/.test(fragment)),
      'no split surrogate pair',
    );
  });
});

describe('selectTools', () => {
  it('keeps all tools, none, or the named ones, and reports unknown names', () => {
    assert.equal(selectTools(tools, undefined).tools.length, 2);
    assert.equal(selectTools(tools, []).tools.length, 0);
    assert.deepEqual(selectTools(tools, ['now', 'ghost']), { tools: [tools[1]], unknown: ['ghost'] });
  });
});
