/**
 * Login brute-force limits through the HTTP API, on an injected clock: 5 failures per email and 20 per IP in
 * 15 minutes, then 429 `too_many_attempts` with Retry-After, even for the right password, until the window moves on.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createAccountsService,
  DashboardThrottles,
  generateMasterKey,
  MemoryAttemptLog,
  ProviderCredentialsService,
  SecretCipher,
} from '../../src/auth/index.js';
import { handleError } from '../../src/server/error-handler.js';
import { registerDashboardApi } from '../../src/server/routes/api/index.js';
import { openTempStore, type TempStore } from '../../src/store/testing.js';

let temp: TempStore;
let app: FastifyInstance;
let now = Date.UTC(2026, 0, 1);

before(async () => {
  temp = await openTempStore();
  const accounts = createAccountsService({ db: temp.store.db });
  for (const email of ['victim@example.com', 'other@example.com']) await accounts.createAccount({ email, password: 'the right password' });
  app = Fastify();
  app.setErrorHandler(handleError);
  registerDashboardApi(app, {
    store: temp.store,
    keyCache: { invalidate: async () => undefined },
    credentials: new ProviderCredentialsService({ db: temp.store.db, cipher: new SecretCipher(generateMasterKey()), formats: new Map() }),
    plans: {},
    models: [],
    status: () => ({ providers: [], updated_at: new Date(now).toISOString() }),
    now: () => now,
    throttles: new DashboardThrottles(new MemoryAttemptLog({ now: () => now })),
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await temp.cleanup();
});
beforeEach(() => {
  now += 24 * 3600_000;
});

function login(email: string, password: string, ip = '203.0.113.7') {
  return app.inject({ method: 'POST', url: '/api/login', payload: { email, password }, remoteAddress: ip });
}

describe('login throttling', () => {
  it('5 failures per email, then 429 with Retry-After, even for the right password, from any IP', async () => {
    for (let i = 0; i < 5; i++) {
      now += 1000;
      assert.equal((await login('victim@example.com', `guess ${i}`, `198.51.100.${i}`)).statusCode, 401);
    }
    const blocked = await login('Victim@Example.com', 'the right password', '192.0.2.1');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error.code, 'too_many_attempts');
    // The first failure was 4 s ago; it leaves the 15-minute window in 896 s.
    assert.equal(blocked.headers['retry-after'], '896');
    assert.equal((await login('other@example.com', 'the right password', '192.0.2.1')).statusCode, 200);
    now += 895_000;
    assert.equal((await login('victim@example.com', 'the right password')).statusCode, 429);
    now += 1000;
    assert.equal((await login('victim@example.com', 'the right password')).statusCode, 200);
  });

  it('a success clears the email count', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await login('victim@example.com', 'nope')).statusCode, 401);
    assert.equal((await login('victim@example.com', 'the right password')).statusCode, 200);
    for (let i = 0; i < 4; i++) assert.equal((await login('victim@example.com', 'nope')).statusCode, 401);
    assert.equal((await login('victim@example.com', 'the right password')).statusCode, 200);
  });

  it('20 failures per IP across emails, then 429 for that IP only', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await login(`nobody${i}@example.com`, 'nope', '203.0.113.99')).statusCode, 401);
    const blocked = await login('other@example.com', 'the right password', '203.0.113.99');
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal((await login('other@example.com', 'the right password', '203.0.113.100')).statusCode, 200);
  });
});
