/**
 * Issue 20, per-key governance, end-user attribution and request lookup, through the dashboard's `/api` and the SDKs:
 * a key budget refusing with 402 `quota_exceeded` (and admitting again once raised: the change reaches the key cache),
 * a model allow-list (403 `permission_denied` in each door's shape, `auto` staying inside it, `/v1/models` listing only
 * it), a key's own rpm (429 naming the key, headers showing its limit), an expiry (401 from then on), a refused
 * change storing nothing; end users recorded from every door and reported by `/api/usage?user=`; and
 * `GET /v1/requests/{id}` answering the caller's own request right after its answer, 404 for anyone else's. Runs on
 * SQLite and, in the shared leg (`OP_TEST_SHARED=1`), on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const HI = [{ role: 'user' as const, content: 'hi' }];

interface KeyJson {
  id: string;
  status: string;
  budget_usd: number | null;
  budget_period: string | null;
  allowed_models: string[] | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  expires_at: string | null;
}

/** A signed-up dashboard user with helpers for its keys. */
interface Tenant {
  browser: DashboardClient;
  /** Creates a key through `/api/keys` with these fields; returns it and its secret. */
  createKey(fields?: Record<string, unknown>): Promise<{ key: KeyJson; secret: string; client: OpenAI }>;
  /** `PATCH /api/keys/:id`; asserts 200. */
  updateKey(id: string, fields: Record<string, unknown>): Promise<KeyJson>;
}

let tenants = 0;

async function tenant(gw: TestGateway): Promise<Tenant> {
  const browser = new DashboardClient(gw.url);
  await browser.signup(`governance-${++tenants}-${Date.now()}@example.com`);
  return {
    browser,
    async createKey(fields = {}) {
      const created = await browser.post<{ key: KeyJson; secret: string }>('/api/keys', { name: 'governed', ...fields });
      assert.equal(created.status, 201, created.text);
      return { key: created.body.key, secret: created.body.secret, client: gw.client(created.body.secret) };
    },
    async updateKey(id, fields) {
      const updated = await browser.patch<{ key: KeyJson }>(`/api/keys/${id}`, fields);
      assert.equal(updated.status, 200, updated.text);
      return updated.body.key;
    },
  };
}

/** The OpenAI SDK error a call failed with. */
async function apiError(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof OpenAI.APIError, `expected an API error, got ${String(error)}`);
  return error;
}

/** A raw POST to the gateway with a key. */
async function post(gw: TestGateway, path: string, secret: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
}

describe('per-key governance', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('refuses past a key budget with 402 quota_exceeded naming it, and admits again once the budget is raised', async () => {
    const { createKey, updateKey } = await tenant(gw);
    const { key, client } = await createKey({ budget_usd: 0.000001, budget_period: 'daily' });
    assert.deepEqual([key.budget_usd, key.budget_period], [0.000001, 'daily']);
    const error = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI }));
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assert.equal(error.type, 'insufficient_quota');
    assert.match(error.message, /daily budget of \$0\.000001 on this key is used up .*starts again at 00:00 UTC/);
    await updateKey(key.id, { budget_usd: 5 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI });
    assert.equal(completion.object, 'chat.completion');
  });

  it('allows only the listed models: 403 permission_denied outside (OpenAI and Anthropic shapes), auto inside, /v1/models', async () => {
    const { createKey } = await tenant(gw);
    const { key, secret, client } = await createKey({ allowed_models: ['claude-*', 'gemini-2.5-flash'] });
    assert.deepEqual(key.allowed_models, ['claude-*', 'gemini-2.5-flash']);
    const error = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI }));
    assert.equal(error.status, 403);
    assert.ok(error instanceof OpenAI.PermissionDeniedError);
    assert.equal(error.code, 'permission_denied');
    assert.equal(error.param, 'model');
    assert.match(error.message, /may not use the model `gpt-4o-mini`/);

    for (const routing of ['cost', 'latency', 'reliability']) {
      const { response } = await client.chat.completions.create({ model: 'auto', messages: HI, routing } as never).withResponse();
      const model = response.headers.get('x-op-model') ?? '';
      assert.ok(model.startsWith('claude-') || model === 'gemini-2.5-flash', `auto (${routing}) chose ${model}`);
    }
    const listed = await client.models.list();
    const ids = listed.data.map((m) => m.id);
    assert.ok(ids.length > 1 && ids.every((id) => id.startsWith('claude-') || id === 'gemini-2.5-flash'), ids.join(','));
    assert.equal((await apiError(client.models.retrieve('gpt-4o-mini'))).status, 404);

    const messages = await post(
      gw,
      '/v1/messages',
      secret,
      { model: 'gpt-4o-mini', max_tokens: 16, messages: HI },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(messages.status, 403);
    assert.deepEqual(messages.body.type, 'error');
    assert.equal((messages.body.error as { type: string }).type, 'permission_error');
    const embeddings = await post(gw, '/v1/embeddings', secret, { model: 'text-embedding-3-small', input: 'x' });
    assert.equal(embeddings.status, 403);
  });

  it("refuses past a key's own rpm with 429 naming the key; the headers show the key's limit", async () => {
    const { createKey } = await tenant(gw);
    const { client } = await createKey({ rpm_limit: 2 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI }).withResponse();
    assert.equal(response.headers.get('x-ratelimit-limit'), '2');
    assert.equal(response.headers.get('x-ratelimit-remaining'), '1');
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI });
    const error = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI }));
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.match(error.message, /2 requests per minute on this key/);
    assert.equal(error.headers?.get('x-ratelimit-limit'), '2');
    assert.ok(Number(error.headers?.get('retry-after')) > 0);
  });

  it('refuses an expired key with 401, like a revoked one, without any change being announced', async () => {
    const { createKey, browser } = await tenant(gw);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { key, client } = await createKey({ expires_at: expiresAt });
    assert.equal(key.expires_at, expiresAt);
    assert.equal((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI })).object, 'chat.completion');
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    const error = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI }));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_api_key');
    const listed = await browser.get<{ data: KeyJson[] }>('/api/keys');
    assert.equal(listed.body.data.find((k) => k.id === key.id)?.status, 'expired');
  });

  it('refuses bad governance with 400 naming the field, and a refused change stores nothing', async () => {
    const { browser, createKey } = await tenant(gw);
    const { key } = await createKey({ budget_usd: 3, rpm_limit: 10 });
    const cases: [Record<string, unknown>, string][] = [
      [{ budget_usd: -1 }, 'budget_usd'],
      [{ budget_period: 'hourly' }, 'budget_period'],
      [{ allowed_models: ['gpt-4o-mini', 'gpt-99*'] }, 'allowed_models'],
      [{ allowed_models: [] }, 'allowed_models'],
      [{ expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      [{ rpm_limit: 0 }, 'rpm_limit'],
      [{ tpm_limit: 1.5 }, 'tpm_limit'],
      [{ rpm_limit: 20, budget_usd: 9, expires_at: 'soon' }, 'expires_at'],
    ];
    for (const [fields, param] of cases) {
      const patched = await browser.patch<{ error: { param: string; code: string } }>(`/api/keys/${key.id}`, fields);
      assert.equal(patched.status, 400, JSON.stringify(fields));
      assert.equal(patched.body.error.param, param, JSON.stringify(fields));
      const created = await browser.post<{ error: { param: string } }>('/api/keys', { name: 'refused', ...fields });
      assert.equal(created.status, 400, JSON.stringify(fields));
    }
    const listed = await browser.get<{ data: KeyJson[] }>('/api/keys');
    assert.equal(listed.body.data.length, 1, 'no key was created');
    const stored = listed.body.data[0];
    assert.deepEqual([stored?.budget_usd, stored?.budget_period, stored?.rpm_limit, stored?.expires_at], [3, 'monthly', 10, null]);
  });
});

describe('end users and request lookup', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('records the end user from every door and reports usage by end user', async () => {
    const { browser, createKey } = await tenant(gw);
    const { secret, client } = await createKey();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI, user: 'alice' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI, user: 'alice', stream: true }).then(async (stream) => {
      for await (const _chunk of stream);
    });
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', safety_identifier: 'bob', store: false });
    const messages = await post(
      gw,
      '/v1/messages',
      secret,
      { model: 'claude-haiku-4.5', max_tokens: 16, messages: HI, metadata: { user_id: 'carol' } },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(messages.status, 200);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', user: 'dave' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: HI });
    // A request's row is recorded once it has settled, which on Redis is a round trip after the client's answer.
    const me = await browser.get<{ account: { id: string } }>('/api/me');
    assert.equal((await ledgerRows(gw, me.body.account.id, 6)).length, 6);

    const usage = await browser.get<{ by_user: { user: string; requests: number }[]; totals: { requests: number }; user: string | null }>(
      '/api/usage',
    );
    const byUser = Object.fromEntries(usage.body.by_user.map((row) => [row.user, row.requests]));
    assert.deepEqual(byUser, { alice: 2, bob: 1, carol: 1, dave: 1 });
    assert.equal(usage.body.totals.requests, 6);
    const alice = await browser.get<{ totals: { requests: number }; by_user: unknown[]; user: string }>('/api/usage?user=alice');
    assert.equal(alice.body.user, 'alice');
    assert.equal(alice.body.totals.requests, 2);
    const logs = await browser.get<{ data: { end_user: string | null; endpoint: string }[] }>('/api/logs?user=carol');
    assert.deepEqual(
      logs.body.data.map((row) => [row.end_user, row.endpoint]),
      [['carol', 'messages']],
    );
  });

  it('refuses an end user id longer than 256 characters with 400 naming the field, on every door', async () => {
    const long = 'u'.repeat(257);
    const cases: [string, Record<string, unknown>, string][] = [
      ['/v1/chat/completions', { model: 'gpt-4o-mini', messages: HI, user: long }, 'user'],
      ['/v1/responses', { model: 'gpt-4o-mini', input: 'hi', user: long }, 'user'],
      ['/v1/embeddings', { model: 'text-embedding-3-small', input: 'x', user: long }, 'user'],
    ];
    for (const [path, body, param] of cases) {
      const answer = await post(gw, path, gw.apiKey, body);
      assert.equal(answer.status, 400, path);
      assert.equal((answer.body.error as { param: string }).param, param, path);
    }
    const messages = await post(
      gw,
      '/v1/messages',
      gw.apiKey,
      { model: 'claude-haiku-4.5', max_tokens: 16, messages: HI, metadata: { user_id: long } },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(messages.status, 400);
    assert.match(JSON.stringify(messages.body), /metadata\.user_id/);
    const ok = await post(gw, '/v1/chat/completions', gw.apiKey, { model: 'gpt-4o-mini', messages: HI, user: 'u'.repeat(256) });
    assert.equal(ok.status, 200);
  });

  it("answers GET /v1/requests/{id} with the caller's own request right after the answer, and 404 to anyone else", async () => {
    const owner = await tenant(gw);
    const { client, secret } = await owner.createKey();
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: HI, user: 'erin', max_tokens: 32 })
      .withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';
    const looked = await fetch(`${gw.url}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(looked.status, 200);
    assert.ok(looked.headers.get('x-ratelimit-limit'), 'counted against rpm, with headers');
    const row = (await looked.json()) as Record<string, unknown> & { usage: Record<string, unknown>; cache: Record<string, unknown> };
    assert.equal(row.id, requestId);
    assert.equal(row.object, 'request');
    assert.equal(row.endpoint, 'chat.completions');
    assert.equal(row.model, 'gpt-4o-mini');
    assert.equal(row.routed_model, 'gpt-4o-mini');
    assert.equal(row.provider, 'openai');
    assert.equal(row.status, 200);
    assert.equal(row.end_user, 'erin');
    assert.equal(row.usage.prompt_tokens, data.usage?.prompt_tokens);
    assert.equal(row.usage.completion_tokens, data.usage?.completion_tokens);
    assert.equal(row.usage.cost_usd, (data.usage as { cost_usd?: number } | undefined)?.cost_usd);
    assert.equal(typeof row.latency_ms, 'number');
    assert.deepEqual(row.cache, { hit: false, saved_usd: 0 });

    const stream = await client.chat.completions.create({ model: 'claude-haiku-4.5', messages: HI, stream: true }).withResponse();
    for await (const _chunk of stream.data);
    const streamed = await fetch(`${gw.url}/v1/requests/${stream.response.headers.get('x-request-id')}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const streamedRow = (await streamed.json()) as { stream: boolean; ttft_ms: number | null; provider: string };
    assert.equal(streamed.status, 200);
    assert.equal(streamedRow.stream, true);
    assert.equal(typeof streamedRow.ttft_ms, 'number');

    await gw.ledger.flush();
    const stored = await fetch(`${gw.url}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(stored.status, 200, 'from the store once written');

    const stranger = await tenant(gw);
    const { secret: strangerSecret } = await stranger.createKey();
    for (const id of [requestId, 'req_unknown', 'x'.repeat(100)]) {
      const other = await fetch(`${gw.url}/v1/requests/${id}`, { headers: { authorization: `Bearer ${strangerSecret}` } });
      assert.equal(other.status, 404, id.slice(0, 20));
      const body = (await other.json()) as { error: { code: string; type: string; param: string } };
      assert.deepEqual([body.error.code, body.error.type, body.error.param], ['not_found', 'invalid_request_error', 'request_id']);
    }
    const overlong = await fetch(`${gw.url}/v1/requests/${'x'.repeat(500)}`, { headers: { authorization: `Bearer ${strangerSecret}` } });
    assert.equal(overlong.status, 404);
    const anonymous = await fetch(`${gw.url}/v1/requests/${requestId}`);
    assert.equal(anonymous.status, 401);
  });
});
