/**
 * The dashboard API's usage, logs and account isolation against a started gateway: real requests through /v1 show
 * up in the charts and the log of their own account only, and one account can read or change nothing of another's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ledgerRows } from '../helpers/ledger.js';
import { assertError, startDashboardFixture, type ErrorBody, type KeyJson, type ProviderKeyJson } from '../helpers/dashboard-fixtures.js';

const XAI_KEY = 'xai-abcdefghijklmnopqrstuvwxyz';

const { gw, alice, bob, aliceId, secrets, createKey, v1Status } = await startDashboardFixture();
after(async () => {
  await gw.close();
});

describe('usage and logs', () => {
  let keyId: string;
  let otherKeyId: string;
  before(async () => {
    const created = await createKey(alice, { name: 'usage key' });
    keyId = created.key.id;
    const other = await createKey(alice, { name: 'other key' });
    otherKeyId = other.key.id;
    const client = gw.client(created.secret);
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${i}` }], max_tokens: 5 });
    }
    await gw.client(other.secret).chat.completions.create({ model: 'claude-haiku-4.5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    await gw
      .client(other.secret)
      .chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch(() => undefined);
    // A request's row is recorded once it has settled, which on Redis is a round trip after the client's answer.
    assert.equal((await ledgerRows(gw, aliceId, 5)).length, 5);
  });

  it('GET /api/usage by day: one zero-filled point per day, splits by model and key, month totals', async () => {
    const answer = await alice.get<{
      series: { bucket: string; requests: number; prompt_tokens: number; completion_tokens: number; cost_usd: number }[];
      by_model: { model: string; requests: number; tokens: number; cost_usd: number }[];
      by_key: { key_id: string; name: string; requests: number; tokens: number; cost_usd: number }[];
      totals: { requests: number; prompt_tokens: number; completion_tokens: number; cost_usd: number };
    }>('/api/usage?granularity=day&days=30');
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.series.length, 30);
    const today = new Date().toISOString().slice(0, 10);
    const last = answer.body.series[29];
    assert.equal(last?.bucket, today);
    assert.equal(last?.requests, 5);
    assert.ok((last?.prompt_tokens ?? 0) > 0 && (last?.cost_usd ?? 0) > 0);
    assert.equal(answer.body.series[0]?.requests, 0);
    const models = Object.fromEntries(answer.body.by_model.map((m) => [m.model, m.requests]));
    assert.deepEqual(models, { 'gpt-4o-mini': 3, 'claude-haiku-4.5': 1, 'no-such-model': 1 });
    const keys = Object.fromEntries(answer.body.by_key.map((k) => [k.name, k.requests]));
    assert.deepEqual(keys, { 'usage key': 3, 'other key': 2 });
    assert.equal(answer.body.totals.requests, 5);
    const me = await alice.get<{ month: { requests: number } }>('/api/me');
    assert.equal(me.body.month.requests, 5);
  });

  it('GET /api/usage by hour: the last 24 hours; bad parameters are 400 naming them', async () => {
    const answer = await alice.get<{ series: { bucket: string; requests: number }[] }>('/api/usage?granularity=hour');
    assert.equal(answer.body.series.length, 24);
    assert.match(answer.body.series[23]?.bucket ?? '', /^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    assert.equal(answer.body.series[23]?.requests, 5);
    assertError(await alice.get('/api/usage?granularity=week'), 400, 'invalid_request', 'granularity');
    assertError(await alice.get('/api/usage?days=0'), 400, 'invalid_request', 'days');
    assertError(await alice.get('/api/usage?days=abc'), 400, 'invalid_request', 'days');
  });

  it('GET /api/logs pages newest first and filters by model, key and status', async () => {
    type Logs = { data: Record<string, unknown>[]; next_cursor: string | null };
    const first = await alice.get<Logs>('/api/logs?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.data.length, 2);
    assert.deepEqual(Object.keys(first.body.data[0] ?? {}).sort(), [
      'byok',
      'completion_tokens',
      'cost_usd',
      'end_user',
      'endpoint',
      'error_code',
      'estimated',
      'key_id',
      'key_name',
      'latency_ms',
      'prompt_tokens',
      'provider',
      'request_id',
      'requested_model',
      'response_cache_hit',
      'response_cache_saved_usd',
      'routed_model',
      'status',
      'time',
    ]);
    const seen = [...first.body.data];
    let cursor = first.body.next_cursor;
    while (cursor !== null) {
      const page = await alice.get<Logs>(`/api/logs?limit=2&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen.map((row) => row.request_id)).size, 5);
    const times = seen.map((row) => String(row.time));
    assert.deepEqual([...times].sort().reverse(), times);

    const byModel = await alice.get<Logs>('/api/logs?model=gpt-4o-mini');
    assert.equal(byModel.body.data.length, 3);
    assert.equal(byModel.body.data[0]?.key_name, 'usage key');
    assert.equal(byModel.body.data[0]?.byok, false);
    assert.equal(byModel.body.data[0]?.endpoint, 'chat.completions');
    assert.equal(byModel.body.data[0]?.estimated, false);
    const byKey = await alice.get<Logs>(`/api/logs?key_id=${otherKeyId}`);
    assert.equal(byKey.body.data.length, 2);
    const errors = await alice.get<Logs>('/api/logs?status=error');
    assert.equal(errors.body.data.length, 1);
    assert.equal(errors.body.data[0]?.status, 400);
    assert.equal((await alice.get<Logs>('/api/logs?status=200')).body.data.length, 4);
    assert.equal((await alice.get<Logs>(`/api/logs?key_id=${keyId}&status=success&cursor=`)).body.data.length, 3);
    assertError(await alice.get('/api/logs?cursor=garbage'), 400, 'invalid_request', 'cursor');
    assertError(await alice.get('/api/logs?limit=1000'), 400, 'invalid_request', 'limit');
    assertError(await alice.get('/api/logs?status=teapot'), 400, 'invalid_request', 'status');
  });
});

describe('isolation between accounts', () => {
  let aliceKey: KeyJson;
  let aliceSecret: string;
  let aliceCredential: ProviderKeyJson;
  before(async () => {
    const created = await createKey(alice, { name: 'alice private' });
    aliceKey = created.key;
    aliceSecret = created.secret;
    const added = await alice.post<{ provider_key: ProviderKeyJson }>('/api/provider-keys', { provider: 'xai', api_key: XAI_KEY });
    aliceCredential = added.body.provider_key;
  });

  it("bob sees none of alice's keys, provider keys, usage or logs", async () => {
    const keys = await bob.get<{ data: KeyJson[] }>('/api/keys');
    assert.deepEqual(keys.body.data, []);
    const credentials = await bob.get<{ data: ProviderKeyJson[] }>('/api/provider-keys');
    assert.deepEqual(credentials.body.data, []);
    const usage = await bob.get<{ series: { requests: number }[]; by_model: unknown[]; by_key: unknown[]; totals: { requests: number } }>(
      '/api/usage',
    );
    assert.equal(
      usage.body.series.reduce((sum, p) => sum + p.requests, 0),
      0,
    );
    assert.deepEqual(usage.body.by_model, []);
    assert.deepEqual(usage.body.by_key, []);
    assert.equal(usage.body.totals.requests, 0);
    const logs = await bob.get<{ data: unknown[] }>('/api/logs');
    assert.deepEqual(logs.body.data, []);
    const filtered = await bob.get<{ data: unknown[] }>(`/api/logs?key_id=${aliceKey.id}`);
    assert.deepEqual(filtered.body.data, []);
    const me = await bob.get<{ account: { email: string }; month: { requests: number } }>('/api/me');
    assert.equal(me.body.account.email, 'bob@example.com');
    assert.equal(me.body.month.requests, 0);
    assert.equal(gw.credentials.keysForAccount((await bob.get<{ account: { id: string } }>('/api/me')).body.account.id).size, 0);
  });

  it("bob cannot change alice's key or provider key by id, and gets the same 404 as for a made-up id", async () => {
    const unknown = await bob.patch<ErrorBody>('/api/keys/key_madeupmadeupmadeupmade', { name: 'x' });
    const patch = await bob.patch<ErrorBody>(`/api/keys/${aliceKey.id}`, { name: 'pwned' });
    assertError(patch, 404, 'not_found');
    assert.equal(patch.body.error.message.replace(aliceKey.id, 'ID'), unknown.body.error.message.replace('key_madeupmadeupmadeupmade', 'ID'));
    assertError(await bob.post(`/api/keys/${aliceKey.id}/rotate`, {}), 404, 'not_found');
    assertError(await bob.post(`/api/keys/${aliceKey.id}/revoke`), 404, 'not_found');
    assertError(await bob.delete(`/api/provider-keys/${aliceCredential.id}`), 404, 'not_found');

    const still = (await alice.get<{ data: KeyJson[] }>('/api/keys')).body.data.find((k) => k.id === aliceKey.id);
    assert.equal(still?.name, 'alice private');
    assert.equal(still?.status, 'active');
    assert.equal(await v1Status(aliceSecret), 200);
    const credentials = (await alice.get<{ data: ProviderKeyJson[] }>('/api/provider-keys')).body.data;
    assert.ok(credentials.some((c) => c.id === aliceCredential.id));
    assert.equal(gw.credentials.keysForAccount(aliceId).get('xai'), XAI_KEY);
  });
});

describe('secrets in responses', () => {
  it('no API key secret beyond its own creation, and no provider key, in any response', () => {
    const all = [...alice.transcript, ...bob.transcript];
    for (const secret of secrets) assert.equal(all.filter((text) => text.includes(secret)).length, 1);
    assert.ok(!all.some((text) => text.includes(XAI_KEY)));
  });
});
