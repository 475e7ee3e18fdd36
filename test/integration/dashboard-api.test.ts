/**
 * The dashboard API (docs/dashboard-api.md) against a started gateway: every endpoint, session cookies and
 * fixation, CSRF refusal, isolation between two accounts, BYOK keys stored only as ciphertext, and no secret in any
 * response beyond the one that issues it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { assertError, startDashboardFixture, type ErrorBody, type KeyJson, type ProviderKeyJson } from '../helpers/dashboard-fixtures.js';

const ANTHROPIC_KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789WXYZ';
const OPENAI_KEY = 'sk-proj-0123456789abcdefghijklmnopQRST';

const { gw, alice, bob, aliceId, secrets, createKey, v1Status } = await startDashboardFixture();
after(async () => {
  await gw.close();
});

describe('signup, login, logout, me', () => {
  it('signup answers 201 with the account, a CSRF token and an HttpOnly SameSite=Lax cookie', async () => {
    const carol = new DashboardClient(gw.url);
    const answer = await carol.post<{ account: Record<string, unknown>; csrf_token: string }>('/api/signup', {
      email: 'Carol@Example.com',
      password: 'a long enough password',
    });
    assert.equal(answer.status, 201);
    assert.deepEqual(Object.keys(answer.body.account).sort(), ['created_at', 'email', 'id', 'plan']);
    assert.equal(answer.body.account.email, 'carol@example.com');
    assert.equal(answer.body.account.plan, 'free');
    assert.match(answer.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    const cookie = carol.lastSetCookie ?? '';
    assert.match(cookie, /^op_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/);
  });

  it('marks the cookie Secure behind an HTTPS proxy', async () => {
    const dave = new DashboardClient(gw.url);
    await dave.post('/api/signup', { email: 'dave@example.com', password: 'a long enough password' }, { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(dave.lastSetCookie ?? '', /Secure/);
  });

  it('refuses short passwords, bad emails, taken emails and unknown fields with the field named', async () => {
    const anon = new DashboardClient(gw.url);
    assertError(await anon.post('/api/signup', { email: 'x@example.com', password: 'short' }), 400, 'invalid_request', 'password');
    assertError(await anon.post('/api/signup', { email: 'not-an-email', password: 'long enough pass' }), 400, 'invalid_request', 'email');
    assertError(await anon.post('/api/signup', { email: 'ALICE@example.com', password: 'long enough pass' }), 409, 'email_taken', 'email');
    assertError(await anon.post('/api/signup', { email: 'y@example.com' }), 400, 'invalid_request', 'password');
    assertError(await anon.post('/api/signup', { email: 'z@example.com', password: 'long enough pass', plan: 'enterprise' }), 400, 'invalid_request');
    assertError(
      await anon.post('/api/signup', undefined, { raw: '{"email":', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );
  });

  it('GET /api/me: account, plan limits, cap, month totals and the CSRF token', async () => {
    const answer = await alice.get<Record<string, unknown>>('/api/me');
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body).sort(), ['account', 'csrf_token', 'limits', 'month', 'spend_cap_usd']);
    assert.deepEqual(answer.body.limits, { rpm: 60, tpm: 150000, concurrent: 5, included_tokens: 1000000 });
    assert.equal(answer.body.spend_cap_usd, null);
    assert.deepEqual(Object.keys(answer.body.month as object).sort(), [
      'completion_tokens',
      'cost_usd',
      'prompt_tokens',
      'requests',
      'response_cache_hits',
      'response_cache_saved_usd',
    ]);
    assert.equal(answer.body.csrf_token, alice.csrfToken);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
  });

  it('login issues a new session id every time; the old one stops working (no fixation)', async () => {
    const erin = new DashboardClient(gw.url);
    await erin.signup('erin@example.com', 'erin password 1');
    const planted = erin.cookie;
    const firstCsrf = erin.csrfToken;
    const login = await erin.post('/api/login', { email: 'erin@example.com', password: 'erin password 1' }, { csrf: false });
    assert.equal(login.status, 200);
    assert.notEqual(erin.cookie, planted);
    assert.notEqual(erin.csrfToken, firstCsrf);
    assert.equal((await erin.get('/api/me')).status, 200);
    const attacker = new DashboardClient(gw.url);
    attacker.cookie = planted;
    assertError(await attacker.get('/api/me'), 401, 'not_authenticated');
    const again = await erin.post('/api/login', { email: 'ERIN@example.com', password: 'erin password 1' }, { csrf: false });
    assert.equal(again.status, 200);
    assert.notEqual(erin.cookie, login.headers.get('set-cookie'));
  });

  it('a wrong password or unknown email is 401 invalid_credentials, the same for both', async () => {
    const anon = new DashboardClient(gw.url);
    const wrong = await anon.post('/api/login', { email: 'bob@example.com', password: 'wrong password' });
    const unknown = await anon.post('/api/login', { email: 'nobody@example.com', password: 'wrong password' });
    assertError(wrong, 401, 'invalid_credentials');
    assertError(unknown, 401, 'invalid_credentials');
    assert.equal((wrong.body as unknown as ErrorBody).error.message, (unknown.body as unknown as ErrorBody).error.message);
    assert.equal(anon.cookie, undefined);
  });

  it('logout needs the CSRF token, then deletes the session and clears the cookie', async () => {
    const frank = new DashboardClient(gw.url);
    await frank.signup('frank@example.com');
    const token = frank.cookie;
    assertError(await frank.post('/api/logout', undefined, { csrf: false }), 403, 'csrf_failed');
    const out = await frank.post('/api/logout');
    assert.equal(out.status, 204);
    assert.match(frank.lastSetCookie ?? '', /op_session=;/);
    assert.equal(frank.cookie, undefined);
    frank.cookie = token;
    assertError(await frank.get('/api/me'), 401, 'not_authenticated');
  });

  it('every endpoint but signup, login and status needs a session', async () => {
    const anon = new DashboardClient(gw.url);
    const calls: [string, string][] = [
      ['POST', '/api/logout'],
      ['GET', '/api/me'],
      ['GET', '/api/keys'],
      ['POST', '/api/keys'],
      ['PATCH', '/api/keys/key_x'],
      ['POST', '/api/keys/key_x/rotate'],
      ['POST', '/api/keys/key_x/revoke'],
      ['GET', '/api/provider-keys'],
      ['POST', '/api/provider-keys'],
      ['DELETE', '/api/provider-keys/pk_x'],
      ['GET', '/api/usage'],
      ['GET', '/api/logs'],
      ['GET', '/api/models'],
    ];
    for (const [method, path] of calls) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      assertError(await anon.call(method, path, body), 401, 'not_authenticated');
    }
    const forged = new DashboardClient(gw.url);
    forged.cookie = 'A'.repeat(43);
    assertError(await forged.get('/api/me'), 401, 'not_authenticated');
  });
});

describe('CSRF', () => {
  it('refuses state-changing calls without the token or with a wrong one, and accepts the right one', async () => {
    assertError(await alice.post('/api/keys', { name: 'x' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await alice.post('/api/keys', { name: 'x' }, { csrf: 'not-the-token' }), 403, 'csrf_failed');
    assertError(await alice.post('/api/keys', { name: 'x' }, { csrf: bob.csrfToken ?? '' }), 403, 'csrf_failed');
    assertError(await alice.post('/api/provider-keys', { provider: 'openai', api_key: OPENAI_KEY }, { csrf: false }), 403, 'csrf_failed');
    assertError(await alice.delete('/api/provider-keys/pk_x', { csrf: false }), 403, 'csrf_failed');
    assertError(await alice.patch('/api/keys/key_x', { name: 'y' }, { csrf: false }), 403, 'csrf_failed');
    const listed = await alice.get<{ data: KeyJson[] }>('/api/keys');
    assert.equal(listed.body.data.filter((k) => k.name === 'x').length, 0);
    const created = await alice.post('/api/keys', { name: 'x' });
    assert.equal(created.status, 201);
    secrets.push((created.body as { secret: string }).secret);
  });
});

describe('API keys', () => {
  it('creates a key whose secret is shown once and works on /v1', async () => {
    const { key, secret } = await createKey(alice, { name: 'ci', default_routing: 'latency', spend_cap_usd: 5 });
    assert.match(secret, /^op_[0-9A-Za-z]{40}$/);
    assert.deepEqual(Object.keys(key).sort(), [
      'allowed_models',
      'budget_period',
      'budget_usd',
      'created_at',
      'default_provider',
      'default_routing',
      'expires_at',
      'grace_until',
      'id',
      'last4',
      'last_used_at',
      'name',
      'response_cache_ttl_seconds',
      'rotated_from',
      'rpm_limit',
      'spend_cap_usd',
      'status',
      'tpm_limit',
    ]);
    assert.equal(key.last4, secret.slice(-4));
    assert.equal(key.status, 'active');
    assert.equal(key.default_routing, 'latency');
    assert.equal(key.spend_cap_usd, 5);
    assert.equal(await v1Status(secret), 200);
    const listed = await alice.get<{ data: KeyJson[] }>('/api/keys');
    assert.ok(listed.body.data.some((k) => k.id === key.id));
    assert.ok(!listed.text.includes(secret));
  });

  it('renames, sets and clears routing and cap; validates each field', async () => {
    const { key } = await createKey(alice, { name: 'edit me' });
    const renamed = await alice.patch<{ key: KeyJson }>(`/api/keys/${key.id}`, { name: 'edited', default_routing: 'cost', spend_cap_usd: 12.5 });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.key.name, 'edited');
    assert.equal(renamed.body.key.default_routing, 'cost');
    assert.equal(renamed.body.key.spend_cap_usd, 12.5);
    const cleared = await alice.patch<{ key: KeyJson }>(`/api/keys/${key.id}`, { default_routing: null, spend_cap_usd: null });
    assert.equal(cleared.body.key.name, 'edited');
    assert.equal(cleared.body.key.default_routing, null);
    assert.equal(cleared.body.key.spend_cap_usd, null);
    assertError(await alice.patch(`/api/keys/${key.id}`, { default_routing: 'fastest' }), 400, 'invalid_request', 'default_routing');
    assertError(await alice.patch(`/api/keys/${key.id}`, { spend_cap_usd: -1 }), 400, 'invalid_request', 'spend_cap_usd');
    assertError(await alice.patch(`/api/keys/${key.id}`, { name: '' }), 400, 'invalid_request', 'name');
    assertError(await alice.patch(`/api/keys/${key.id}`, { name: '   ' }), 400, 'invalid_request', 'name');
    assertError(await alice.post('/api/keys', {}), 400, 'invalid_request', 'name');
  });

  it("sets, replaces and clears a key's default provider preferences, checked like a request's; /v1 routes with them", async () => {
    const { key, secret } = await createKey(alice, {
      name: 'routed',
      default_provider: { ignore: ['OpenAI'], sort: 'price', max_price: { prompt: '3' } },
    });
    assert.deepEqual(key.default_provider, { ignore: ['openai'], sort: 'price', max_price: { prompt: 3 } });
    const explained = await fetch(`${gw.url}/v1/routing/explain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', routing: 'latency', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const explanation = (await explained.json()) as {
      mode: string;
      candidates: Array<{ provider: string }>;
      excluded: Array<{ provider: string; reason: string }>;
    };
    assert.equal(explanation.mode, 'cost', "the key's provider.sort wins over the body's routing mode");
    assert.ok(explanation.candidates.length > 0 && explanation.candidates.every((c) => c.provider !== 'openai'));
    assert.ok(explanation.excluded.some((e) => e.provider === 'openai' && e.reason === 'provider_ignored'));

    const replaced = await alice.patch<{ key: KeyJson }>(`/api/keys/${key.id}`, { default_provider: { only: ['anthropic'] } });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(replaced.body.key.default_provider, { only: ['anthropic'] });
    const renamed = await alice.patch<{ key: KeyJson }>(`/api/keys/${key.id}`, { name: 'still routed' });
    assert.deepEqual(renamed.body.key.default_provider, { only: ['anthropic'] });
    const cleared = await alice.patch<{ key: KeyJson }>(`/api/keys/${key.id}`, { default_provider: null });
    assert.equal(cleared.body.key.default_provider, null);

    assertError(
      await alice.patch(`/api/keys/${key.id}`, { default_provider: { order: ['nope'] } }),
      400,
      'invalid_request',
      'default_provider.order',
    );
    assertError(
      await alice.patch(`/api/keys/${key.id}`, { default_provider: { max_price: { completion: -1 } } }),
      400,
      'invalid_request',
      'default_provider.max_price.completion',
    );
    assertError(await alice.patch(`/api/keys/${key.id}`, { default_provider: { zdr: true } }), 400, 'invalid_request', 'default_provider.zdr');
    assertError(
      await alice.post('/api/keys', { name: 'bad', default_provider: { sort: 'fastest' } }),
      400,
      'invalid_request',
      'default_provider.sort',
    );
  });

  it('rotates without grace: the old secret is refused at once, the new one works', async () => {
    const { key, secret } = await createKey(alice, { name: 'rotate now', default_routing: 'reliability' });
    const rotated = await alice.post<{ key: KeyJson; secret: string }>(`/api/keys/${key.id}/rotate`);
    assert.equal(rotated.status, 200, rotated.text);
    secrets.push(rotated.body.secret);
    assert.equal(rotated.body.key.rotated_from, key.id);
    assert.equal(rotated.body.key.name, 'rotate now');
    assert.equal(rotated.body.key.default_routing, 'reliability');
    assert.equal(await v1Status(secret), 401);
    assert.equal(await v1Status(rotated.body.secret), 200);
    const old = (await alice.get<{ data: KeyJson[] }>('/api/keys')).body.data.find((k) => k.id === key.id);
    assert.equal(old?.status, 'revoked');
    assertError(await alice.post(`/api/keys/${key.id}/rotate`, {}), 409, 'key_revoked');
  });

  it('rotates with a grace period: both secrets work until it ends; revoke cuts it short', async () => {
    const { key, secret } = await createKey(alice, { name: 'rotate later' });
    const rotated = await alice.post<{ key: KeyJson; secret: string }>(`/api/keys/${key.id}/rotate`, { grace_seconds: 3600 });
    secrets.push(rotated.body.secret);
    assert.equal(await v1Status(secret), 200);
    assert.equal(await v1Status(rotated.body.secret), 200);
    const old = (await alice.get<{ data: KeyJson[] }>('/api/keys')).body.data.find((k) => k.id === key.id);
    assert.equal(old?.status, 'active');
    assert.ok(old?.grace_until !== null && Date.parse(old?.grace_until ?? '') > Date.now() + 3500_000);
    assertError(await alice.post(`/api/keys/${key.id}/rotate`, {}), 409, 'key_revoked');
    assertError(await alice.post(`/api/keys/${key.id}/rotate`, { grace_seconds: 86401 }), 400, 'invalid_request', 'grace_seconds');
    const revoked = await alice.post<{ key: KeyJson }>(`/api/keys/${key.id}/revoke`);
    assert.equal(revoked.body.key.status, 'revoked');
    assert.equal(revoked.body.key.grace_until, null);
    assert.equal(await v1Status(secret), 401);
  });

  it('revokes: /v1 refuses the key immediately; revoking again is harmless', async () => {
    const { key, secret } = await createKey(alice, { name: 'revoke me' });
    const revoked = await alice.post<{ key: KeyJson }>(`/api/keys/${key.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.key.status, 'revoked');
    assert.equal(await v1Status(secret), 401);
    assert.equal((await alice.post(`/api/keys/${key.id}/revoke`)).status, 200);
  });

  it('an unknown key id is 404', async () => {
    assertError(await alice.patch('/api/keys/key_doesnotexist', { name: 'x' }), 404, 'not_found');
    assertError(await alice.post('/api/keys/key_doesnotexist/rotate'), 404, 'not_found');
    assertError(await alice.post('/api/keys/key_doesnotexist/revoke'), 404, 'not_found');
  });
});

describe('provider keys (BYOK)', () => {
  it('validates the provider and the key format without echoing the key', async () => {
    const bad = await alice.post('/api/provider-keys', { provider: 'anthropic', api_key: 'sk-proj-wrong-kind-of-key-123456' });
    assertError(bad, 400, 'invalid_request', 'api_key');
    assert.ok(!bad.text.includes('wrong-kind'));
    assertError(
      await alice.post('/api/provider-keys', { provider: 'google', api_key: 'sk-0123456789012345678901234' }),
      400,
      'invalid_request',
      'api_key',
    );
    assertError(await alice.post('/api/provider-keys', { provider: 'nope', api_key: OPENAI_KEY }), 400, 'invalid_request', 'provider');
    assertError(await alice.post('/api/provider-keys', { provider: 'openai' }), 400, 'invalid_request', 'api_key');
  });

  it('adds, lists (last 4 only), serves the key to the gateway from memory, and deletes', async () => {
    const added = await alice.post<{ provider_key: ProviderKeyJson }>('/api/provider-keys', { provider: 'anthropic', api_key: ANTHROPIC_KEY });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual(Object.keys(added.body.provider_key).sort(), ['created_at', 'id', 'last4', 'provider']);
    assert.equal(added.body.provider_key.last4, 'WXYZ');
    const listed = await alice.get<{ data: ProviderKeyJson[] }>('/api/provider-keys');
    assert.deepEqual(
      listed.body.data.map((k) => [k.provider, k.last4]),
      [['anthropic', 'WXYZ']],
    );
    assert.equal(gw.credentials.keysForAccount(aliceId).get('anthropic'), ANTHROPIC_KEY);

    const deleted = await alice.delete(`/api/provider-keys/${added.body.provider_key.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(gw.credentials.keysForAccount(aliceId).size, 0);
    assertError(await alice.delete(`/api/provider-keys/${added.body.provider_key.id}`), 404, 'not_found');
  });

  it('a second key for the same provider replaces the first', async () => {
    await alice.post('/api/provider-keys', { provider: 'openai', api_key: OPENAI_KEY });
    const second = `${OPENAI_KEY.slice(0, -4)}9876`;
    await alice.post('/api/provider-keys', { provider: 'openai', api_key: `  ${second}\n` });
    const listed = await alice.get<{ data: ProviderKeyJson[] }>('/api/provider-keys');
    assert.deepEqual(
      listed.body.data.map((k) => [k.provider, k.last4]),
      [['openai', '9876']],
    );
    assert.equal(gw.credentials.keysForAccount(aliceId).get('openai'), second);
  });

  it('with test: true, checks the key against the provider (the simulator) first', async () => {
    const tested = await alice.post<{ provider_key: ProviderKeyJson }>('/api/provider-keys', {
      provider: 'anthropic',
      api_key: ANTHROPIC_KEY,
      test: true,
    });
    assert.equal(tested.status, 201, tested.text);
  });

  it('the table holds only ciphertext', async () => {
    const rows = await gw.store.db.selectFrom('providerCredentials').selectAll().execute();
    assert.ok(rows.length >= 2);
    const dump = JSON.stringify(rows);
    for (const key of [ANTHROPIC_KEY, OPENAI_KEY.slice(0, -4)]) {
      assert.ok(!dump.includes(key));
      assert.ok(!dump.includes(Buffer.from(key).toString('base64').slice(0, 20)));
      assert.ok(!dump.includes(Buffer.from(key).toString('hex').slice(0, 20)));
    }
    for (const row of rows) {
      assert.equal(Buffer.from(row.iv, 'base64').length, 12);
      assert.equal(Buffer.from(row.tag, 'base64').length, 16);
    }
  });
});

describe('models, status, headers', () => {
  it('GET /api/models lists the same objects as /v1/models', async () => {
    const dashboard = await alice.get<{ data: unknown[] }>('/api/models');
    const v1 = await gw.client().models.list();
    assert.equal(dashboard.status, 200);
    assert.deepEqual(dashboard.body.data, JSON.parse(JSON.stringify(v1.data)));
  });

  it('GET /api/status is public and reports every provider', async () => {
    await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'status check' }], max_tokens: 3 });
    const anon = new DashboardClient(gw.url);
    const answer = await anon.get<{ providers: Record<string, unknown>[]; updated_at: string }>('/api/status');
    assert.equal(answer.status, 200);
    const ids = answer.body.providers.map((p) => p.id);
    assert.deepEqual(ids, ['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'xai', 'groq', 'deepinfra']);
    for (const provider of answer.body.providers) {
      assert.ok(['up', 'degraded', 'down'].includes(String(provider.state)));
      assert.equal(provider.configured, true);
      assert.equal(provider.simulated, true);
    }
    const openai = answer.body.providers.find((p) => p.id === 'openai');
    assert.equal(openai?.state, 'up');
    assert.equal(openai?.success_rate, 1);
    assert.equal(typeof openai?.ttft_ms, 'number');
    assert.ok(!Number.isNaN(Date.parse(answer.body.updated_at)));
  });

  it('security headers on /api (errors included) and pages, not on /v1', async () => {
    const anon = new DashboardClient(gw.url);
    for (const answer of [await alice.get('/api/me'), await anon.get('/api/me'), await anon.get('/keys'), await anon.get('/api/status')]) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('referrer-policy'), 'same-origin');
    }
    const v1 = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.apiKey}` } });
    await v1.arrayBuffer();
    assert.equal(v1.headers.get('content-security-policy'), null);
  });

  it('an unknown /api route is a JSON 404', async () => {
    assertError(await alice.get('/api/nothing-here'), 404, 'not_found');
  });
});

describe('secrets in responses', () => {
  it('each API key secret appears in exactly one response; provider keys in none', () => {
    const all = [...alice.transcript, ...bob.transcript];
    assert.ok(secrets.length >= 8);
    for (const secret of secrets) {
      assert.equal(all.filter((text) => text.includes(secret)).length, 1, `secret …${secret.slice(-4)}`);
    }
    for (const key of [ANTHROPIC_KEY, OPENAI_KEY, 'xai-abcdefghijklmnopqrstuvwxyz']) {
      assert.ok(!all.some((text) => text.includes(key)));
    }
  });
});
