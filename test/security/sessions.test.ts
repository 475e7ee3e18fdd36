/**
 * Dashboard sessions (issue 14, finding 6):
 * - a password change needs the current password (checked through the login throttle), ends every other session
 *   of the account and keeps the one that made it;
 * - "sign out everywhere" ends every session of the account, the caller's included, and no other account's;
 * - a session unused for longer than the idle timeout (7 days) is refused, on an injected clock, while one in use
 *   lives on to its maximum age.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createAccountsService,
  createSessionService,
  generateMasterKey,
  ProviderCredentialsService,
  SecretCipher,
  SESSION_IDLE_TIMEOUT_MS,
} from '../../src/auth/index.js';
import { handleError } from '../../src/server/error-handler.js';
import { registerDashboardApi } from '../../src/server/routes/api/index.js';
import { openTempStore, type TempStore } from '../../src/store/testing.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { assertError } from '../helpers/dashboard-fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PASSWORD = 'the first password';
const NEW_PASSWORD = 'the second password';

describe('password change and sign out everywhere', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw?.close();
  });

  async function signedIn(email: string, password = PASSWORD): Promise<DashboardClient> {
    const browser = new DashboardClient(gw.url);
    const answer = await browser.post('/api/login', { email, password });
    assert.equal(answer.status, 200, answer.text);
    return browser;
  }

  it('a password change ends every other session of the account and keeps the current one', async () => {
    const { email } = await gw.addAccount({ password: PASSWORD });
    const other = await gw.addAccount({ password: PASSWORD });
    const [laptop, phone, tablet] = [await signedIn(email), await signedIn(email), await signedIn(email)];
    const bystander = await signedIn(other.email);

    assertError(await laptop.post('/api/password', { current_password: PASSWORD, new_password: NEW_PASSWORD }, { csrf: false }), 403, 'csrf_failed');
    assertError(
      await laptop.post('/api/password', { current_password: 'not the password', new_password: NEW_PASSWORD }),
      400,
      'invalid_credentials',
      'current_password',
    );
    assertError(await laptop.post('/api/password', { current_password: PASSWORD, new_password: 'short' }), 400, 'invalid_request', 'new_password');
    assert.equal((await phone.get('/api/me')).status, 200, 'refused changes end nothing');

    const changed = await laptop.post('/api/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
    assert.equal(changed.status, 204, changed.text);
    assert.equal((await laptop.get('/api/me')).status, 200, 'the session that changed it stays');
    assertError(await phone.get('/api/me'), 401, 'not_authenticated');
    assertError(await tablet.get('/api/me'), 401, 'not_authenticated');
    assert.equal((await bystander.get('/api/me')).status, 200, "another account's session is untouched");

    assertError(await new DashboardClient(gw.url).post('/api/login', { email, password: PASSWORD }), 401, 'invalid_credentials');
    await signedIn(email, NEW_PASSWORD);
  });

  it('wrong current passwords count as failed logins: the sixth attempt is refused unchecked', async () => {
    const { email } = await gw.addAccount({ password: PASSWORD });
    const browser = await signedIn(email);
    for (let i = 0; i < 5; i++) {
      assertError(await browser.post('/api/password', { current_password: `guess ${i}`, new_password: NEW_PASSWORD }), 400, 'invalid_credentials');
    }
    const refused = await browser.post('/api/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
    assertError(refused, 429, 'too_many_attempts');
    assert.equal((await browser.get('/api/me')).status, 200, 'the session itself is not ended');
  });

  it('sign out everywhere ends every session of the account, this one included', async () => {
    const { email } = await gw.addAccount({ password: PASSWORD });
    const other = await gw.addAccount({ password: PASSWORD });
    const [laptop, phone] = [await signedIn(email), await signedIn(email)];
    const bystander = await signedIn(other.email);
    assertError(await laptop.post('/api/logout-everywhere', undefined, { csrf: false }), 403, 'csrf_failed');
    const out = await laptop.post('/api/logout-everywhere');
    assert.equal(out.status, 204, out.text);
    assert.match(laptop.lastSetCookie ?? '', /op_session=;/);
    assert.equal(laptop.cookie, undefined);
    assertError(await phone.get('/api/me'), 401, 'not_authenticated');
    assert.equal((await bystander.get('/api/me')).status, 200);
    assertError(await new DashboardClient(gw.url).post('/api/logout-everywhere'), 401, 'not_authenticated');
  });
});

describe('idle timeout (injected clock)', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let now = Date.UTC(2026, 0, 1);
  before(async () => {
    temp = await openTempStore();
    await createAccountsService({ db: temp.store.db }).createAccount({ email: 'idle@example.com', password: PASSWORD });
    app = Fastify();
    app.setErrorHandler(handleError);
    registerDashboardApi(app, {
      store: temp.store,
      keyCache: { invalidate: async () => undefined },
      credentials: new ProviderCredentialsService({ db: temp.store.db, cipher: new SecretCipher(generateMasterKey()), formats: new Map() }),
      plans: { free: { rpm: 1, tpm: 1, concurrent: 1, included_tokens: 0 } },
      models: [],
      status: () => ({ providers: [], updated_at: new Date(now).toISOString() }),
      now: () => now,
      sessions: createSessionService({ db: temp.store.db, now: () => now }),
    });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await temp?.cleanup();
  });

  async function login(): Promise<string> {
    const answer = await app.inject({ method: 'POST', url: '/api/login', payload: { email: 'idle@example.com', password: PASSWORD } });
    assert.equal(answer.statusCode, 200, answer.body);
    const cookie = answer.cookies.find((c) => c.name === 'op_session');
    assert.ok(cookie);
    return cookie.value;
  }

  const me = (token: string) => app.inject({ method: 'GET', url: '/api/me', cookies: { op_session: token } });

  it('a session unused for 7 days is refused; one in use lives on', async () => {
    const idle = await login();
    const busy = await login();
    now += SESSION_IDLE_TIMEOUT_MS - 1;
    assert.equal((await me(busy)).statusCode, 200, 'used just before the idle timeout');
    now += 1;
    assert.equal((await me(idle)).statusCode, 401, 'unused for 7 days');
    for (let day = 13; day <= 25; day += 6) {
      now += 6 * 24 * 3600_000;
      assert.equal((await me(busy)).statusCode, 200, `in use on day ${day}`);
    }
    now += SESSION_IDLE_TIMEOUT_MS;
    assert.equal((await me(busy)).statusCode, 401, 'unused for 7 days after that');
  });
});
