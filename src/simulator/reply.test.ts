import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_KNOBS, type SimulatorKnobs } from './knobs.js';
import { generateReply, REFUSAL_TEXT } from './reply.js';
import type { SimCall } from './wire-format.js';

const call: SimCall = {
  model: 'm',
  stream: false,
  includeUsage: false,
  jsonArrayStream: false,
  promptTokens: 10,
  lastUserText: 'alpha beta',
  maxTokens: undefined,
  stopSequences: [],
  promptImages: 0,
  lastTurnImages: 0,
  candidates: 1,
  callableTools: [],
  maxParallelCalls: Number.POSITIVE_INFINITY,
  toolResult: undefined,
  jsonOutput: undefined,
};
const knobs: SimulatorKnobs = { ...DEFAULT_KNOBS, outputTokens: 6 };
const tool = { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } };

describe('generateReply', () => {
  it('answers plain text in one choice with usage totals', () => {
    const reply = generateReply(call, knobs);
    assert.equal(reply.choices.length, 1);
    assert.equal(reply.choices[0]?.text, 'Simulated reply from m: alpha beta');
    assert.deepEqual([reply.completionTokens, reply.reasoningTokens, reply.cachedTokens, reply.refused], [6, 0, 0, false]);
  });

  it('calls tools, capped by maxParallelCalls, whatever max tokens says', () => {
    const reply = generateReply({ ...call, callableTools: [tool], maxParallelCalls: 2, maxTokens: 1 }, { ...knobs, parallelToolCalls: 5 });
    const [choice] = reply.choices;
    assert.equal(choice?.finish, 'tool_calls');
    assert.deepEqual(
      choice?.toolCalls.map((planned) => planned.arguments),
      ['{"q":"alpha"}', '{"q":"beta"}'],
    );
    assert.deepEqual(choice?.pieces, []);
  });

  it('puts reasoning first and counts it against max tokens', () => {
    const reply = generateReply({ ...call, maxTokens: 8 }, { ...knobs, reasoningTokens: 3 });
    const [choice] = reply.choices;
    assert.deepEqual(choice?.reasoning, ['Thinking', ' about:', ' alpha']);
    assert.equal(choice?.completionTokens, 8);
    assert.equal(choice?.finish, 'max_tokens');
    assert.equal(reply.reasoningTokens, 3);
  });

  it('leaves JSON unfinished when max tokens cut it', () => {
    const json = { schema: { type: 'object', properties: { q: { type: 'string' } } } };
    const whole = generateReply({ ...call, jsonOutput: json }, knobs).choices[0];
    assert.equal(whole?.text, '{"q":"alpha"}');
    assert.equal(whole?.finish, 'end');
    const cut = generateReply({ ...call, jsonOutput: json, maxTokens: 2 }, knobs).choices[0];
    assert.equal(cut?.text, '{"q":"al');
    assert.equal(cut?.finish, 'max_tokens');
  });

  it('mentions tool results and images before the cycled words', () => {
    const text = generateReply({ ...call, toolResult: 'done', lastTurnImages: 1 }, { ...knobs, outputTokens: 12 }).choices[0]?.text;
    assert.equal(text, 'Simulated reply from m: The tool returned: I see 1 image. done');
  });

  it('refuses in every choice and caps cached tokens at the prompt', () => {
    const reply = generateReply({ ...call, candidates: 2 }, { ...knobs, refuse: true, cachedPromptTokens: 99 });
    assert.ok(reply.refused);
    assert.deepEqual(
      reply.choices.map((choice) => [choice.finish, choice.text]),
      [
        ['refusal', REFUSAL_TEXT],
        ['refusal', REFUSAL_TEXT],
      ],
    );
    assert.equal(reply.cachedTokens, 10);
  });
});
