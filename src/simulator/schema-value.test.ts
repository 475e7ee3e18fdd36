import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueFromSchema } from './schema-value.js';

const words = ['alpha', 'beta', 'gamma'];

describe('valueFromSchema', () => {
  it('fills required properties by type, strings from the words in turn', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: 'string' },
        n: { type: 'number' },
        i: { type: 'integer', minimum: 5 },
        flag: { type: 'boolean' },
        choice: { type: 'string', enum: ['x', 'y'] },
        fixed: { const: 42 },
        skipped: { type: 'string' },
      },
      required: ['a', 'b', 'n', 'i', 'flag', 'choice', 'fixed'],
    };
    assert.deepEqual(valueFromSchema(schema, words), { a: 'alpha', b: 'beta', n: 1, i: 5, flag: true, choice: 'x', fixed: 42 });
  });

  it('fills every property when required is absent, and nests', () => {
    const schema = {
      type: 'object',
      properties: { inner: { type: 'object', properties: { list: { type: 'array', items: { type: 'string' }, minItems: 2 } } } },
    };
    assert.deepEqual(valueFromSchema(schema, words, 1), { inner: { list: ['beta', 'gamma'] } });
  });

  it('takes the first non-null branch, nullable type lists and Gemini upper-case types', () => {
    assert.equal(valueFromSchema({ anyOf: [{ type: 'null' }, { type: 'integer' }] }, words), 1);
    assert.equal(valueFromSchema({ type: ['null', 'boolean'] }, words), true);
    assert.deepEqual(valueFromSchema({ type: 'OBJECT', properties: { s: { type: 'STRING' } } }, words), { s: 'alpha' });
  });

  it('follows local $refs and stops recursive ones', () => {
    const schema = {
      type: 'object',
      properties: { node: { $ref: '#/$defs/node' } },
      required: ['node'],
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } }, required: ['next'] } },
    };
    const value = JSON.stringify(valueFromSchema(schema, words));
    assert.match(value, /^\{"node":\{"next":\{"next":/);
    assert.match(value, /null/);
  });

  it('uses samples for string formats and keeps __proto__ a plain property', () => {
    assert.equal(valueFromSchema({ type: 'string', format: 'date-time' }, words), '2025-01-01T00:00:00Z');
    const schema: unknown = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    const value = valueFromSchema(schema, words);
    assert.equal(JSON.stringify(value), '{"__proto__":"alpha"}');
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });
});
