import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MODEL_PATTERN_LENGTH, modelPatternProblem, ModelPatterns } from './model-patterns.js';

describe('model allow-list patterns', () => {
  it('matches catalog ids exactly and globs with * anywhere', () => {
    const allowed = new ModelPatterns(['gpt-4o-mini', 'claude-*', '*-flash-lite', 'gemini-*-pro*']);
    for (const id of ['gpt-4o-mini', 'claude-haiku-4.5', 'claude-', 'gemini-2.5-flash-lite', 'gemini-2.5-pro', 'gemini-3-pro-preview']) {
      assert.equal(allowed.matches(id), true, id);
    }
    for (const id of ['gpt-4o', 'gpt-4o-mini-2', 'xclaude-haiku', 'Claude-haiku', 'gemini-2.5-flash', 'gpt-5']) {
      assert.equal(allowed.matches(id), false, id);
    }
  });

  it('takes every other character literally: a dot is a dot, not any character', () => {
    const allowed = new ModelPatterns(['gpt-4.1*', 'a+b']);
    assert.equal(allowed.matches('gpt-4.1-mini'), true);
    assert.equal(allowed.matches('gpt-401'), false);
    assert.equal(allowed.matches('a+b'), true);
    assert.equal(allowed.matches('aab'), false);
  });

  it('matches nothing when empty, and everything with a lone *', () => {
    assert.equal(new ModelPatterns([]).matches('gpt-4o'), false);
    assert.equal(new ModelPatterns(['*']).matches('anything/at:all'), true);
  });

  it('refuses empty, overlong and oddly spelled entries', () => {
    assert.equal(modelPatternProblem('claude-*'), undefined);
    assert.equal(modelPatternProblem('openrouter/meta-llama:free'), undefined);
    assert.match(modelPatternProblem('') ?? '', /empty/);
    assert.match(modelPatternProblem('x'.repeat(MAX_MODEL_PATTERN_LENGTH + 1)) ?? '', /longer/);
    for (const odd of ['gpt 4', 'claude-(haiku)', 'gpt-4o?', 'a\nb', 'ü']) assert.ok(modelPatternProblem(odd), odd);
  });
});
