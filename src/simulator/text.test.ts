import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimatePromptTokens, estimateTextTokens, generateCompletion, reasoningPieces, splitText, type CompletionInput } from './text.js';

const base: CompletionInput = {
  model: 'gpt-4o-mini',
  lastUserText: 'alpha beta gamma',
  outputTokens: 10,
  maxTokens: undefined,
  stopSequences: [],
};

describe('token estimates', () => {
  it('counts ceil(chars / 4) + 3 per message', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('abcde'), 2);
    assert.equal(estimatePromptTokens(['abcd', 'abcde']), 1 + 3 + 2 + 3);
    assert.equal(estimatePromptTokens([]), 0);
  });
});

describe('generateCompletion', () => {
  it('names the model, then cycles the words of the last user message', () => {
    const completion = generateCompletion(base);
    assert.equal(completion.text, 'Simulated reply from gpt-4o-mini: alpha beta gamma alpha beta gamma');
    assert.equal(completion.completionTokens, 10);
    assert.equal(completion.pieces.length, 10);
    assert.equal(completion.pieces.join(''), completion.text);
    assert.equal(completion.finish, 'end');
    assert.equal(completion.stopSequence, null);
  });

  it('is deterministic', () => {
    assert.deepEqual(generateCompletion(base), generateCompletion(base));
  });

  it('cuts at maxTokens and reports max_tokens', () => {
    const completion = generateCompletion({ ...base, maxTokens: 5 });
    assert.equal(completion.text, 'Simulated reply from gpt-4o-mini: alpha');
    assert.equal(completion.completionTokens, 5);
    assert.equal(completion.finish, 'max_tokens');
  });

  it('treats maxTokens at or above the natural length as a natural end', () => {
    assert.equal(generateCompletion({ ...base, maxTokens: 10 }).finish, 'end');
    assert.equal(generateCompletion({ ...base, maxTokens: 100 }).completionTokens, 10);
  });

  it('cuts before the earliest stop sequence and leaves it out', () => {
    const completion = generateCompletion({ ...base, stopSequences: ['gamma', 'beta'] });
    assert.equal(completion.text, 'Simulated reply from gpt-4o-mini: alpha ');
    assert.equal(completion.finish, 'stop_sequence');
    assert.equal(completion.stopSequence, 'beta');
    assert.deepEqual(completion.pieces, ['Simulated', ' reply', ' from', ' gpt-4o-mini:', ' alpha', ' ']);
    assert.equal(completion.completionTokens, 6);
  });

  it('ignores stop sequences beyond the max-tokens cut and empty ones', () => {
    const completion = generateCompletion({ ...base, maxTokens: 5, stopSequences: ['', 'gamma'] });
    assert.equal(completion.finish, 'max_tokens');
  });

  it('uses filler words when the user sent no text', () => {
    const completion = generateCompletion({ ...base, lastUserText: '  ', outputTokens: 6 });
    assert.equal(completion.text, 'Simulated reply from gpt-4o-mini: Hello from');
  });

  it('can produce an empty reply', () => {
    const completion = generateCompletion({ ...base, outputTokens: 0 });
    assert.deepEqual(completion.pieces, []);
    assert.equal(completion.text, '');
    assert.equal(completion.finish, 'end');
  });
});

describe('reply variations', () => {
  it('says lead words after the model name and shifts the words for later choices', () => {
    const completion = generateCompletion({ ...base, lead: ['I', 'see', '1', 'image.'], candidateIndex: 1 });
    assert.equal(completion.text, 'Simulated reply from gpt-4o-mini: I see 1 image. beta gamma');
    assert.equal(completion.completionTokens, 10);
  });

  it('makes reasoning pieces from the words', () => {
    assert.deepEqual(reasoningPieces('alpha beta', 5), ['Thinking', ' about:', ' alpha', ' beta', ' alpha']);
  });

  it('splits text without cutting surrogate pairs', () => {
    assert.deepEqual(splitText('abcdef', 4), ['abcd', 'ef']);
    assert.deepEqual(splitText('abc😀d', 4), ['abc😀', 'd']);
    assert.deepEqual(splitText('', 4), []);
  });
});
