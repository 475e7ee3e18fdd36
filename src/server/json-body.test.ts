import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { jsonDepth, registerJsonBodyParser } from './json-body.js';

describe('jsonDepth', () => {
  it('counts object and array nesting, not brackets inside strings or escaped quotes', () => {
    assert.equal(jsonDepth('1', 64), 0);
    assert.equal(jsonDepth('{"a":[1,{"b":2}]}', 64), 3);
    assert.equal(jsonDepth('{"a":"[[[{{{"}', 64), 1);
    assert.equal(jsonDepth('{"a":"\\"[[[","b":[]}', 64), 2);
  });

  it('stops at the first level past the limit', () => {
    assert.equal(jsonDepth('['.repeat(100_000), 64), 65);
  });
});

describe('registerJsonBodyParser', () => {
  const app = Fastify();
  registerJsonBodyParser(app, 8);
  app.setErrorHandler((error: Error, _request, reply) => reply.code(400).send({ message: error.message }));
  app.post('/', async (request) => request.body);

  it('parses bodies within the limit as Fastify does', async () => {
    const response = await app.inject({ method: 'POST', url: '/', payload: { a: [[1]] } });
    assert.deepEqual(response.json(), { a: [[1]] });
  });

  it('refuses deeper bodies with a 400 naming the limit', async () => {
    const deep = `${'{"a":'.repeat(9)}1${'}'.repeat(9)}`;
    const response = await app.inject({ method: 'POST', url: '/', payload: deep, headers: { 'content-type': 'application/json' } });
    assert.equal(response.statusCode, 400);
    assert.match(response.json<{ message: string }>().message, /more than 8 levels/);
  });

  it('keeps the prototype-poisoning check', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/',
      payload: '{"__proto__":{"x":1}}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 400);
  });
});
