import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenizer } from '../metering/tokenizer.js';
import { EmbeddingTokenCounter } from './embedding-tokens.js';

describe('EmbeddingTokenCounter', () => {
  it('counts each input exactly while the budget lasts, once, and totals them', () => {
    const texts = ['hello world', 'a bit more text here', '😀 emoji'];
    const counter = new EmbeddingTokenCounter(texts, 1000);
    assert.equal(
      counter.total(),
      texts.reduce((sum, t) => sum + tokenizer.count(t), 0),
    );
    assert.ok(texts.every((_, i) => counter.isExact(i)));
    assert.equal(counter.scaled, false);
  });

  it('shares one budget over the inputs and scales what is past it from the rate counted so far', () => {
    const seen: number[] = [];
    const count = tokenizer.count;
    tokenizer.count = (text: string) => {
      seen.push(text.length);
      return count(text);
    };
    try {
      const text = 'word '.repeat(100); // 500 characters, 101 tokens
      const counter = new EmbeddingTokenCounter([text, text, text], 600);
      assert.equal(counter.count(1), count(text), 'input 1 first: counted whole');
      assert.equal(counter.count(1), count(text), 'memoised');
      assert.equal(counter.count(0), count(text.slice(0, 100)) + Math.ceil(400 * ((count(text) + count(text.slice(0, 100))) / 600)));
      assert.equal(counter.count(2), Math.ceil(500 * ((count(text) + count(text.slice(0, 100))) / 600)));
      assert.deepEqual(seen, [500, 100], 'the tokenizer saw 600 characters in all');
      assert.deepEqual([counter.isExact(0), counter.isExact(1), counter.isExact(2)], [false, true, false]);
      assert.equal(counter.scaled, true);
    } finally {
      tokenizer.count = count;
    }
  });

  it('assumes 4 characters a token when nothing could be counted, and never splits a surrogate pair', () => {
    assert.equal(new EmbeddingTokenCounter(['x'.repeat(400)], 0).count(0), 100);
    const seen: string[] = [];
    const count = tokenizer.count;
    tokenizer.count = (text: string) => {
      seen.push(text);
      return count(text);
    };
    try {
      new EmbeddingTokenCounter(['a😀b'], 2).count(0);
      assert.deepEqual(seen, ['a']);
    } finally {
      tokenizer.count = count;
    }
  });
});
