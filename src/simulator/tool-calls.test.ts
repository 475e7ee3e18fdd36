import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  argumentFragments,
  parseScriptedToolCalls,
  planToolCalls,
  scriptedToolCalls,
  selectTools,
  toolCallTokens,
  type ToolSpec,
} from './tool-calls.js';

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

describe('scriptedToolCalls', () => {
  const scripted = [
    { name: 'now', arguments: { zone: 'UTC' } },
    { name: 'absent', arguments: {} },
    { name: 'search', arguments: { query: ['not', 'from', 'the', 'schema'] } },
  ];

  it('makes the offered scripted calls in knob order, with their exact arguments, up to the cap', () => {
    const calls = scriptedToolCalls(tools, scripted, Number.POSITIVE_INFINITY);
    assert.deepEqual(
      calls.map((call) => [call.name, call.input, call.arguments]),
      [
        ['now', { zone: 'UTC' }, '{"zone":"UTC"}'],
        ['search', { query: ['not', 'from', 'the', 'schema'] }, '{"query":["not","from","the","schema"]}'],
      ],
    );
    assert.equal(scriptedToolCalls(tools, scripted, 1).length, 1);
    assert.deepEqual(scriptedToolCalls([{ name: 'other', parameters: undefined }], scripted, 5), []);
  });

  it('hands out copies, so a reply cannot change the knob', () => {
    const [call] = scriptedToolCalls(tools, scripted, 1);
    if (call !== undefined) call.input.zone = 'changed';
    assert.deepEqual(scripted[0]?.arguments, { zone: 'UTC' });
  });
});

describe('parseScriptedToolCalls', () => {
  it('reads one call, a list, and null as off', () => {
    assert.deepEqual(parseScriptedToolCalls({ name: 'a', arguments: { x: 1 } }), { calls: [{ name: 'a', arguments: { x: 1 } }] });
    assert.deepEqual(
      parseScriptedToolCalls([
        { name: 'a', arguments: {} },
        { name: 'b', arguments: {} },
      ]),
      {
        calls: [
          { name: 'a', arguments: {} },
          { name: 'b', arguments: {} },
        ],
      },
    );
    assert.deepEqual(parseScriptedToolCalls(null), { calls: [] });
    assert.deepEqual(parseScriptedToolCalls([]), { calls: [] });
  });

  it('refuses calls without a name or with non-object arguments', () => {
    for (const bad of [{ name: 'a' }, { name: 'a', arguments: [1] }, { arguments: {} }, 'a', [null]]) {
      assert.ok('error' in parseScriptedToolCalls(bad), JSON.stringify(bad));
    }
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
