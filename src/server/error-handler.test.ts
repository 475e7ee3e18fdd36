import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { GatewayError } from '../core/gateway-error.js';
import { handleError } from './error-handler.js';

function appThrowing(error: unknown) {
  const logged: unknown[] = [];
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, request, reply) => {
    request.log.error = ((obj: unknown) => logged.push(obj)) as typeof request.log.error;
    return handleError(err, request, reply);
  });
  app.get('/boom', async () => {
    throw error;
  });
  return { app, logged };
}

describe('handleError', () => {
  it('renders an unknown error as a generic 500 internal_error that leaks nothing, and logs it', async () => {
    const { app, logged } = appThrowing(new Error('database password is hunter2'));
    const response = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(response.statusCode, 500);
    const body = response.json() as { error: { code: string; message: string; type: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.equal(body.error.type, 'api_error');
    assert.ok(!response.body.includes('hunter2'));
    assert.equal(logged.length, 1);
  });

  it('renders a GatewayError with its status, code, param and Retry-After', async () => {
    const { app } = appThrowing(new GatewayError(429, 'rate_limit_exceeded', 'slow down', { retryAfterSeconds: 3, param: 'x' }));
    const response = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(response.statusCode, 429);
    assert.equal(response.headers['retry-after'], '3');
    assert.deepEqual(response.json(), { error: { message: 'slow down', type: 'rate_limit_error', param: 'x', code: 'rate_limit_exceeded' } });
  });
});
