import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { loadConfig } from '../config/index.js';
import type { EmbeddingModelConfig } from '../config/types.js';
import { tokenizer } from '../metering/tokenizer.js';
import {
  EmbeddingRequestSchema,
  parseEmbeddingRequest,
  splitEmbeddingCall,
  type EmbeddingBounds,
  type EmbeddingRequestBody,
} from './embedding-request.js';

const config = loadConfig({ env: {} });
const bounds: EmbeddingBounds = config.requests;

function model(id: string): EmbeddingModelConfig {
  const found = config.models.find((m) => m.id === id);
  assert.ok(found?.kind === 'embedding', id);
  return found;
}
const small = model('text-embedding-3-small');
const gemini = model('gemini-embedding-001');
const mistral = model('mistral-embed');

function parse(body: Partial<EmbeddingRequestBody> & Pick<EmbeddingRequestBody, 'input'>, on = small, caps: EmbeddingBounds = bounds) {
  const full = { model: on.id, ...body };
  assert.ok(Value.Check(EmbeddingRequestSchema, full), `the schema accepts ${JSON.stringify(full).slice(0, 80)}`);
  return parseEmbeddingRequest(full, on, caps);
}

/** Asserts a 400 invalid_request naming `param`, with a message matching `message`. */
function refuses(
  body: Partial<EmbeddingRequestBody> & Pick<EmbeddingRequestBody, 'input'>,
  param: string,
  message: RegExp,
  on = small,
  caps: EmbeddingBounds = bounds,
): void {
  assert.throws(() => parse(body, on, caps), { status: 400, code: 'invalid_request', param, message });
}

describe('parseEmbeddingRequest: the inputs', () => {
  it('takes a text, texts, one token array and token arrays, in order', () => {
    assert.deepEqual(parse({ input: 'hello' }).input, { kind: 'text', texts: ['hello'] });
    assert.deepEqual(parse({ input: ['a', 'b'] }).input, { kind: 'text', texts: ['a', 'b'] });
    assert.deepEqual(parse({ input: [1212, 318] }).input, { kind: 'tokens', tokens: [[1212, 318]] });
    assert.deepEqual(parse({ input: [[1], [2, 3]] }).input, { kind: 'tokens', tokens: [[1], [2, 3]] });
  });

  it('refuses an empty input, an empty string and more than 2,048 inputs, naming the field', () => {
    refuses({ input: '' }, 'input', /must not be an empty string/);
    refuses({ input: [] }, 'input', /must not be an empty array/);
    refuses({ input: ['a', '', 'c'] }, 'input[1]', /`input\[1\]` must not be an empty string/);
    refuses({ input: [[1], []] }, 'input[1]', /empty array of tokens/);
    refuses({ input: Array.from({ length: 2049 }, () => 'x') }, 'input', /2,049 items; at most 2,048 inputs/);
    assert.equal(parse({ input: Array.from({ length: 2048 }, () => 'x') }).input.kind, 'text');
  });

  it('takes token ids only where the model tokenizes with cl100k, whole and in its vocabulary', () => {
    refuses({ input: [1, 2] }, 'input', /`gemini-embedding-001` takes text only: token-id input .*\(cl100k_base/, gemini);
    refuses({ input: [[1, 2]] }, 'input', /takes text only/, mistral);
    refuses({ input: [1, 2.5] }, 'input[1]', /`input\[1\]` must be an integer token id, got 2.5/);
    refuses({ input: [[1], [2, 3.25]] }, 'input[1][1]', /must be an integer token id/);
    refuses({ input: [[-1]] }, 'input[0][0]', /not a cl100k_base token id \(0 to 100,276\), got -1/);
    refuses({ input: [100277] }, 'input[0]', /not a cl100k_base token id/);
    assert.equal(parse({ input: [100276] }).prompt.counted(), 1);
  });
});

describe('parseEmbeddingRequest: dimensions, encoding and what goes upstream', () => {
  it('defaults to the model size and float, and takes dimensions within the range', () => {
    const req = parse({ input: 'x' });
    assert.deepEqual([req.dimensions, req.encodingFormat, req.user], [1536, 'float', undefined]);
    assert.deepEqual(req.upstream, { dimensions: true, base64: true, user: true });
    const cut = parse({ input: 'x', dimensions: 256, encoding_format: 'base64', user: 'u-1' });
    assert.deepEqual([cut.dimensions, cut.encodingFormat, cut.user], [256, 'base64', 'u-1']);
    assert.deepEqual(parse({ input: 'x', dimensions: null, encoding_format: null, user: null }).dimensions, 1536);
    assert.equal(parse({ input: 'x', dimensions: 768 }, gemini).dimensions, 768);
    assert.deepEqual(parse({ input: 'x' }, mistral).upstream, { dimensions: false, base64: false, user: false });
  });

  it('refuses dimensions on a fixed-size model and outside the range', () => {
    refuses({ input: 'x', dimensions: 1024 }, 'dimensions', /`mistral-embed` does not take `dimensions`: its vectors always have 1,024/, mistral);
    refuses({ input: 'x', dimensions: 1537 }, 'dimensions', /between 1 and 1,536 for `text-embedding-3-small`, got 1,537/);
    refuses({ input: 'x', dimensions: 64 }, 'dimensions', /between 128 and 3,072/, gemini);
  });

  it('refuses more values (inputs × dimensions) than embeddingMaxValues', () => {
    const caps = { ...bounds, embeddingMaxValues: 3000 };
    refuses({ input: ['a', 'b'] }, 'input', /2 inputs × 1,536 dimensions is 3,072 values; at most 3,000 per request.*fewer dimensions/, small, caps);
    assert.equal(parse({ input: ['a', 'b'], dimensions: 1500 }, small, caps).dimensions, 1500);
    refuses({ input: ['a', 'b', 'c'] }, 'input', /3,072 values|3 inputs × 1,024 dimensions/, mistral, caps);
  });
});

describe('parseEmbeddingRequest: token limits, with the tokenizer bounded', () => {
  it('counts nothing for inputs whose bytes fit the limits, and sizes the prompt from bytes', () => {
    const seen: string[] = [];
    const count = tokenizer.count;
    tokenizer.count = (text: string) => {
      seen.push(text);
      return count(text);
    };
    try {
      const req = parse({ input: ['hello world', 'héllo'] });
      assert.deepEqual(seen, [], 'the tokenizer did not run');
      assert.deepEqual([req.prompt.bound, req.prompt.estimate], [17, 5]);
      assert.equal(req.prompt.counted(), count('hello world') + count('héllo'));
      assert.equal(seen.length, 2);
    } finally {
      tokenizer.count = count;
    }
  });

  it('refuses an input over the model limit, naming it', () => {
    const long = 'word '.repeat(2100); // 10,500 bytes, 2,100 tokens: over gemini's 2,048, under OpenAI's 8,192
    refuses({ input: ['ok', long] }, 'input[1]', /`input\[1\]` has 2,10\d tokens; `gemini-embedding-001` takes at most 2,048 per input/, gemini);
    refuses({ input: long }, 'input', /`input` has 2,10\d tokens/, gemini);
    assert.equal(parse({ input: long }).input.kind, 'text');
    refuses({ input: [Array.from({ length: 8193 }, () => 1)] }, 'input[0]', /8,193 tokens; `text-embedding-3-small` takes at most 8,192/);
  });

  it('refuses more tokens in all than embeddingMaxTokens', () => {
    const caps = { ...bounds, embeddingMaxTokens: 1000 };
    refuses(
      { input: Array.from({ length: 3 }, () => 'word '.repeat(400)) },
      'input',
      /The inputs have 1,20\d tokens in all; at most 1,000 per request/,
      small,
      caps,
    );
    refuses({ input: Array.from({ length: 3 }, () => Array.from({ length: 400 }, () => 7)) }, 'input', /1,200 tokens in all/, small, caps);
    assert.equal(parse({ input: ['word '.repeat(150)] }, small, caps).prompt.counted(), tokenizer.count('word '.repeat(150)));
  });

  it('sends at most tokenizerMaxChars characters through the tokenizer, scaling the rest, and says "about"', () => {
    const seen: number[] = [];
    const count = tokenizer.count;
    tokenizer.count = (text: string) => {
      seen.push(text.length);
      return count(text);
    };
    try {
      const caps = { ...bounds, tokenizerMaxChars: 1000 };
      const huge = 'word '.repeat(20_000); // 100,000 characters
      refuses({ input: huge }, 'input', /`input` has about 20,\d{3} tokens/, small, caps);
      assert.deepEqual(seen, [1000]);
      seen.length = 0;
      const req = parse({ input: ['word '.repeat(300), 'word '.repeat(300)] }, small, caps);
      const exact = 2 * count('word '.repeat(300));
      assert.ok(Math.abs(req.prompt.counted() - exact) <= exact * 0.01, `${req.prompt.counted()} is within 1 % of ${exact}`);
      assert.deepEqual(seen, [1000], 'the rest of the first input and the second were scaled, not tokenized');
    } finally {
      tokenizer.count = count;
    }
  });
});

describe('splitEmbeddingCall', () => {
  it('cuts the inputs into calls of at most n, in order, keeping the parameters', () => {
    const req = parse({ input: Array.from({ length: 250 }, (_, i) => `t${i}`), dimensions: 256 });
    const calls = splitEmbeddingCall(req, 100);
    assert.deepEqual(
      calls.map((c) => (c.input.kind === 'text' ? c.input.texts.length : 0)),
      [100, 100, 50],
    );
    assert.deepEqual(
      calls.flatMap((c) => (c.input.kind === 'text' ? c.input.texts : [])),
      req.input.kind === 'text' ? req.input.texts : [],
    );
    assert.ok(calls.every((c) => c.dimensions === 256 && c.model === 'text-embedding-3-small'));
    assert.deepEqual(splitEmbeddingCall(req, 250), [req]);
    const tokens = splitEmbeddingCall(parse({ input: [[1], [2], [3]] }), 2);
    assert.deepEqual(
      tokens.map((c) => c.input),
      [
        { kind: 'tokens', tokens: [[1], [2]] },
        { kind: 'tokens', tokens: [[3]] },
      ],
    );
  });
});
