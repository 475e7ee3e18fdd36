import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it, mock } from 'node:test';
import { BoundedTokenCounter, PIECE_CHARS, TokenBudget, tokenizer } from './tokenizer.js';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');
const whole = createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base') as Encoding;

describe('tokenizer.count', () => {
  it('matches the whole-text count for text with spaces: pieces are cut before whitespace', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(400);
    assert.equal(tokenizer.count(text), whole.countTokens(text));
  });

  it('hands BPE no piece longer than PIECE_CHARS, even for a run without spaces', () => {
    const lengths: number[] = [];
    const count = whole.countTokens.bind(whole);
    const spy = mock.method(whole, 'countTokens', (text: string) => (lengths.push(text.length), count(text)));
    try {
      const tokens = tokenizer.count('a'.repeat(100_000));
      assert.ok(Math.abs(tokens - 12_500) <= 100, `about 8 a's a token: ${tokens}`);
      assert.ok(lengths.length >= 100_000 / PIECE_CHARS);
      assert.ok(Math.max(...lengths) <= PIECE_CHARS, `longest piece ${Math.max(...lengths)}`);
    } finally {
      spy.mock.restore();
    }
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(PIECE_CHARS);
    assert.equal(tokenizer.count(text), whole.countTokens(text));
  });
});

describe('BoundedTokenCounter', () => {
  it('is exact while the texts fit the bound', () => {
    const counter = new BoundedTokenCounter(1_000);
    counter.add('hello world');
    counter.add(' and more');
    assert.equal(counter.total(), tokenizer.count('hello world and more'));
  });

  it('tokenizes at most maxChars characters in all and scales the rest', () => {
    const seen: number[] = [];
    const spy = mock.method(tokenizer, 'count', (text: string) => {
      seen.push(text.length);
      return Math.ceil(text.length / 4);
    });
    try {
      const counter = new BoundedTokenCounter(1_000);
      for (let i = 0; i < 50; i += 1) counter.add('x'.repeat(400));
      assert.equal(counter.total(), 250 + 19_000 / 4);
      assert.ok(seen.reduce((a, b) => a + b, 0) <= 1_000, `tokenized ${seen.join('+')} characters`);
    } finally {
      spy.mock.restore();
    }
  });

  it('counts nothing until asked, and only once', () => {
    const spy = mock.method(tokenizer, 'count', (text: string) => text.length);
    try {
      const counter = new BoundedTokenCounter(100);
      counter.add('abc');
      counter.add('def');
      assert.equal(spy.mock.callCount(), 0);
      assert.equal(counter.total(), 6);
      assert.equal(counter.total(), 6);
      assert.equal(spy.mock.callCount(), 1);
      assert.equal(counter.empty, false);
      assert.equal(new BoundedTokenCounter(100).empty, true);
    } finally {
      spy.mock.restore();
    }
  });
});

describe('TokenBudget', () => {
  it('counts texts exactly while the budget lasts, then scales the rest at the rate counted so far', () => {
    const spy = mock.method(tokenizer, 'count', (text: string) => Math.ceil(text.length / 2));
    try {
      const budget = new TokenBudget(10);
      assert.deepEqual(budget.count('abcdef'), { tokens: 3, exact: true });
      assert.deepEqual(budget.count('ghijklmnop'), { tokens: 2 + 3, exact: false }, '4 counted (2 tokens), 6 scaled at 0.5');
      assert.deepEqual(budget.count('qrst'), { tokens: 2, exact: false }, 'nothing left: all scaled');
      assert.deepEqual(
        spy.mock.calls.map((call) => call.arguments[0]),
        ['abcdef', 'ghij'],
      );
    } finally {
      spy.mock.restore();
    }
  });
});
