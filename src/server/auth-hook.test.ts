import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import type { KeyRecord } from '../auth/index.js';
import { GatewayError } from '../core/gateway-error.js';
import { requireApiKeyOnV1Routes } from './auth-hook.js';

const KEY = { keyId: 'key_1', accountId: 'acc_1' } as KeyRecord;

async function app() {
  const server = Fastify();
  server.decorateRequest('apiKey', null);
  requireApiKeyOnV1Routes(server, { lookup: (secret) => (secret === 'op_good' ? KEY : undefined) });
  server.setErrorHandler((error, _request, reply) => {
    const status = error instanceof GatewayError ? error.status : 500;
    return reply.code(status).send({ message: error instanceof Error ? error.message : String(error) });
  });
  server.get('/v1/models', async (request) => ({ key: request.apiKey?.keyId }));
  await server.ready();
  return server;
}

describe('the /v1 key check', () => {
  it('takes the key as a Bearer token or as x-api-key (Anthropic clients)', async () => {
    const server = await app();
    for (const headers of [{ authorization: 'Bearer op_good' }, { 'x-api-key': 'op_good' }]) {
      const answer = await server.inject({ url: '/v1/models', headers });
      assert.equal(answer.statusCode, 200, JSON.stringify(headers));
      assert.deepEqual(answer.json(), { key: 'key_1' });
    }
  });

  it('lets the Authorization header decide when both are sent', async () => {
    const server = await app();
    const answer = await server.inject({ url: '/v1/models', headers: { authorization: 'Bearer op_bad', 'x-api-key': 'op_good' } });
    assert.equal(answer.statusCode, 401);
  });

  it('answers 401 for a missing, empty or unknown key, naming both headers when none was sent', async () => {
    const server = await app();
    const none = await server.inject({ url: '/v1/models' });
    assert.equal(none.statusCode, 401);
    assert.match(none.json<{ message: string }>().message, /x-api-key: op_…/);
    for (const headers of [{ 'x-api-key': '' }, { 'x-api-key': 'op_bad' }, { authorization: 'Basic op_good' }]) {
      assert.equal((await server.inject({ url: '/v1/models', headers })).statusCode, 401, JSON.stringify(headers));
    }
  });
});
