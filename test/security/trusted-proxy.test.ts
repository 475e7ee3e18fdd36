/**
 * Client address and scheme come from trusted proxies only (issue 14, findings 1 and 6): `X-Forwarded-For` and
 * `X-Forwarded-Proto` count only on a connection from an address in `server.trustProxy`. From anyone else they
 * change nothing — not the address the throttles count (so spoofed addresses buy no fresh budgets), not the session
 * cookie's `Secure` flag, not HSTS. Connections come from chosen addresses through Fastify's `inject`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PROXY = '10.1.2.3';
const STRANGER = '203.0.113.50';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway((config) => {
    config.trustProxy = ['10.1.2.0/24'];
  });
});
after(async () => {
  await gw?.close();
});

let signups = 0;
function signup(from: string, headers: Record<string, string> = {}) {
  return gw.app.inject({
    method: 'POST',
    url: '/api/signup',
    remoteAddress: from,
    headers,
    payload: { email: `proxy-${++signups}@example.com`, password: 'a long enough password' },
  });
}

describe('forwarded headers from a listed proxy only', () => {
  it('X-Forwarded-Proto from a stranger sets neither the Secure cookie nor HSTS; from the proxy it sets both', async () => {
    const spoofed = await signup(STRANGER, { 'x-forwarded-proto': 'https' });
    assert.equal(spoofed.statusCode, 201);
    assert.doesNotMatch(String(spoofed.headers['set-cookie']), /Secure/);
    assert.equal(spoofed.headers['strict-transport-security'], undefined);
    const status = await gw.app.inject({ method: 'GET', url: '/api/status', remoteAddress: STRANGER, headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(status.headers['strict-transport-security'], undefined);

    const proxied = await signup(PROXY, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' });
    assert.equal(proxied.statusCode, 201);
    assert.match(String(proxied.headers['set-cookie']), /Secure/);
    assert.match(String(proxied.headers['strict-transport-security']), /max-age=/);
  });

  it('X-Forwarded-For from a stranger does not change the address the throttles count', async () => {
    const from = '203.0.113.77';
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await signup(from, { 'x-forwarded-for': `192.0.2.${i}` })).statusCode);
    assert.deepEqual(answers, [201, 201, 201, 201, 201, 429]);
  });

  it('X-Forwarded-For from the proxy names the client: each client has its own budget', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await signup(PROXY, { 'x-forwarded-for': `198.51.100.${10 + i}` })).statusCode, 201);
    // A client that spoofs its own X-Forwarded-For behind the proxy gets the address the proxy saw, not the spoof.
    const client = '198.51.100.99';
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await signup(PROXY, { 'x-forwarded-for': `192.0.2.${i}, ${client}` })).statusCode);
    assert.deepEqual(answers, [201, 201, 201, 201, 201, 429]);
  });
});
