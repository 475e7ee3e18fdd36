import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { GatewayError } from '../core/gateway-error.js';
import { handleError, renderError } from './error-handler.js';
import { CONTENT_SECURITY_POLICY, registerSecurityHeaders } from './security-headers.js';
import { registerWebApp } from './web-app.js';

async function appServing(distDir: string): Promise<FastifyInstance> {
  // `inject` connects from 127.0.0.1: a trusted proxy here, so its `x-forwarded-proto` counts.
  const app = Fastify({ trustProxy: ['127.0.0.1'] });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => renderError(new GatewayError(404, 'not_found', `Unknown route: ${request.url}`), reply));
  registerSecurityHeaders(app);
  app.get('/v1/models', async () => ({ object: 'list', data: [] }));
  app.get('/api/status', async () => ({ providers: [] }));
  registerWebApp(app, distDir);
  await app.ready();
  return app;
}

describe('registerWebApp with a build', () => {
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'op-web-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(
      path.join(dist, 'index.html'),
      '<!doctype html><title>OriginalPoint</title><script type="module" src="/assets/app-1.js"></script>',
    );
    fs.writeFileSync(path.join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appServing(dist);
  });
  after(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, revalidated', async () => {
    for (const url of ['/', '/keys', '/usage?granularity=hour', '/status', '/some/deep/route']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type'] ?? ''), /text\/html/);
      assert.match(response.body, /<title>OriginalPoint<\/title>/);
      assert.equal(response.headers['cache-control'], 'no-cache');
    }
  });

  it('serves built files; hashed assets are cached for good', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type'] ?? ''), /javascript/);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('missing files and unknown /v1 and /api paths are JSON 404s, not the app', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/assets/%E0%A4%A.js' })).statusCode, 400);
    for (const url of ['/assets/missing.js', '/v1/nothing', '/api/nothing', '/api']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'not_found');
    }
    assert.equal((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/keys' })).statusCode, 404);
  });

  it('serves nothing outside the build directory', async () => {
    fs.writeFileSync(path.join(dist, '..', 'op-web-secret.txt'), 'top secret');
    try {
      for (const url of ['/..%2fop-web-secret.txt', '/assets/..%2f..%2fop-web-secret.txt', '/%2e%2e/op-web-secret.txt']) {
        const response = await app.inject({ method: 'GET', url });
        assert.ok(response.statusCode >= 400, url);
        assert.ok(!response.body.includes('top secret'), url);
      }
    } finally {
      fs.rmSync(path.join(dist, '..', 'op-web-secret.txt'), { force: true });
    }
  });

  it('serves files added after start (a rebuild needs no restart)', async () => {
    fs.writeFileSync(path.join(dist, 'assets', 'app-2.js'), 'console.log(2)');
    assert.equal((await app.inject({ method: 'GET', url: '/assets/app-2.js' })).body, 'console.log(2)');
  });

  it('puts the security headers on pages and assets but not on /v1', async () => {
    const page = await app.inject({ method: 'GET', url: '/keys' });
    assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    assert.equal(page.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /script-src[^;]*unsafe-inline/);
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    const https = await app.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String(https.headers['strict-transport-security']), /max-age=/);
    const spoofed = await app.inject({ method: 'GET', url: '/', remoteAddress: '203.0.113.9', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(spoofed.headers['strict-transport-security'], undefined, 'not from an untrusted address');
    const api = await app.inject({ method: 'GET', url: '/v1/models' });
    assert.equal(api.headers['content-security-policy'], undefined);
  });
});

describe('registerWebApp without a build', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await appServing(path.join(os.tmpdir(), 'op-web-does-not-exist'));
  });
  after(async () => {
    await app.close();
  });

  it('answers pages with a 404 page that says how to build the dashboard, and leaves the APIs alone', async () => {
    for (const url of ['/', '/keys']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404);
      assert.match(String(response.headers['content-type'] ?? ''), /text\/html/);
      assert.match(response.body, /dashboard has not been built/);
      assert.doesNotMatch(response.body, /<script/);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/api/status' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/nothing' })).json().error.code, 'not_found');
  });
});
