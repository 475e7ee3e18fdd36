/**
 * @module The `/api` response schemas against Fastify's serializer: an answer with every field set (nested provider
 * preferences, nullable fields both ways) comes out exactly as built, so no field the routes send is dropped or coerced.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import Fastify from 'fastify';
import type { AccountInfo, KeyInfo } from '../../../auth/index.js';
import type { UsageLogEntry } from '../../../metering/index.js';
import { AuthAnswer, KeyList, KeyWithSecret, LogsAnswer, Me, ModelList, ProviderKeyAnswer, StatusAnswer, UsageAnswer } from './schemas.js';
import { accountJson, keyJson, logEntryJson, monthJson, providerKeyJson } from './wire.js';

/** The body a route registered with `schema` as its `status` response answers when it sends `payload`. */
async function serialized(schema: TSchema, payload: unknown, status = 200): Promise<unknown> {
  const app = Fastify();
  app.get('/', { schema: { response: { [status]: schema } } }, async (_request, reply) => reply.code(status).send(payload));
  try {
    const answer = await app.inject('/');
    assert.equal(answer.statusCode, status, answer.body);
    return answer.json();
  } finally {
    await app.close();
  }
}

const FULL_KEY: KeyInfo = {
  id: 'key_1',
  accountId: 'acct_1',
  name: 'main',
  last4: 'abcd',
  status: 'active',
  routing: 'latency',
  provider: {
    order: ['openai', 'anthropic'],
    only: ['openai'],
    ignore: ['groq'],
    allow_fallbacks: false,
    require_parameters: true,
    sort: { by: 'price', partition: 'none' },
    max_price: { prompt: 1.5, completion: '3', request: 0.01, image: 2, audio: '0.5' },
  },
  responseCacheTtlSeconds: 3600,
  spendCapUsd: 12.5,
  createdAt: '2026-05-01T00:00:00.000Z',
  lastUsedAt: '2026-05-02T00:00:00.000Z',
  revokedAt: null,
  rotatedFrom: 'key_0',
  graceUntil: '2026-05-03T00:00:00.000Z',
  budgetUsd: 5,
  budgetPeriod: 'weekly',
  allowedModels: ['gpt-4o-mini', 'claude-*'],
  rpmLimit: 10,
  tpmLimit: 1000,
  expiresAt: '2027-01-01T00:00:00.000Z',
};

const BARE_KEY: KeyInfo = {
  ...FULL_KEY,
  id: 'key_2',
  status: 'revoked',
  routing: null,
  provider: null,
  responseCacheTtlSeconds: null,
  spendCapUsd: null,
  lastUsedAt: null,
  rotatedFrom: null,
  graceUntil: null,
  budgetUsd: null,
  budgetPeriod: null,
  allowedModels: null,
  rpmLimit: null,
  tpmLimit: null,
  expiresAt: null,
};

const ACCOUNT: AccountInfo = {
  id: 'acct_1',
  email: 'a@example.com',
  plan: 'pro',
  limits: { rpm: null, tpm: null, concurrent: null, includedTokens: null },
  monthlySpendCapUsd: null,
  createdAt: '2026-05-01T00:00:00.000Z',
};

const TOTALS = { requests: 3, promptTokens: 30, completionTokens: 12, costUsd: 0.0123, responseCacheHits: 1, responseCacheSavedUsd: 0.002 };

const LOG_ROW: UsageLogEntry = {
  id: 'usage_1',
  requestId: 'req_1',
  accountId: 'acct_1',
  keyId: 'key_1',
  keyName: 'main',
  requestedModel: 'auto',
  routedModel: 'gpt-4o-mini',
  provider: 'openai',
  byok: true,
  promptTokens: 10,
  completionTokens: 4,
  costUsd: 0.00042,
  latencyMs: 120,
  ttftMs: 30,
  status: 200,
  errorCode: null,
  stream: true,
  createdAt: '2026-05-02T10:00:00.000Z',
  endpoint: 'messages',
  estimated: true,
  responseCacheHit: true,
  responseCacheSavedUsd: 0.001,
  endUser: 'user-7',
};

describe('/api response schemas', () => {
  it('serialize keys with every field, set and cleared, provider preferences nested', async () => {
    const list = { data: [keyJson(FULL_KEY), keyJson(BARE_KEY)] };
    assert.deepEqual(await serialized(KeyList, list), list);
    const created = { key: keyJson(FULL_KEY), secret: 'sk-op-secret' };
    assert.deepEqual(await serialized(KeyWithSecret, created, 201), created);
    const sortByName = { ...FULL_KEY, provider: { sort: 'throughput' as const } };
    assert.deepEqual(await serialized(KeyList, { data: [keyJson(sortByName)] }), { data: [keyJson(sortByName)] });
  });

  it('serialize the account, its month and its provider keys', async () => {
    const auth = { account: accountJson(ACCOUNT), csrf_token: 'csrf' };
    assert.deepEqual(await serialized(AuthAnswer, auth, 201), auth);
    const me = {
      account: accountJson(ACCOUNT),
      limits: { rpm: 60, tpm: 150_000, concurrent: 5, included_tokens: 1_000_000 },
      spend_cap_usd: 20,
      month: monthJson(TOTALS),
      csrf_token: 'csrf',
    };
    assert.deepEqual(await serialized(Me, me), me);
    const added = { provider_key: providerKeyJson({ id: 'cred_1', provider: 'openai', last4: 'wxyz', createdAt: '2026-05-01T00:00:00.000Z' }) };
    assert.deepEqual(await serialized(ProviderKeyAnswer, added, 201), added);
  });

  it('serialize usage and the request log, nullable fields both ways', async () => {
    const usage = {
      series: [{ bucket: '2026-05-02', ...monthJson(TOTALS) }],
      by_model: [{ model: 'gpt-4o-mini', requests: 3, tokens: 42, cost_usd: 0.0123 }],
      by_key: [{ key_id: 'key_1', name: 'main', requests: 3, tokens: 42, cost_usd: 0.0123 }],
      by_user: [{ user: 'user-7', requests: 1, tokens: 14, cost_usd: 0.00042 }],
      user: 'user-7',
      totals: monthJson(TOTALS),
    };
    assert.deepEqual(await serialized(UsageAnswer, usage), usage);
    assert.deepEqual(await serialized(UsageAnswer, { ...usage, user: null }), { ...usage, user: null });
    const failed: UsageLogEntry = {
      ...LOG_ROW,
      keyName: null,
      routedModel: null,
      provider: null,
      status: 429,
      errorCode: 'rate_limit_exceeded',
      responseCacheHit: false,
      endUser: null,
    };
    const logs = { data: [logEntryJson(LOG_ROW), logEntryJson(failed)], next_cursor: 'abc' };
    assert.deepEqual(await serialized(LogsAnswer, logs), logs);
    assert.deepEqual(await serialized(LogsAnswer, { data: [], next_cursor: null }), { data: [], next_cursor: null });
  });

  it('serialize chat and embedding models and the status page', async () => {
    const base = { object: 'model', created: 1, owned_by: 'openai' } as const;
    const models = {
      object: 'list',
      data: [
        {
          ...base,
          id: 'gpt-4o-mini',
          kind: 'chat',
          context_length: 128_000,
          max_output_tokens: 16_384,
          pricing: { input_per_million: 0.15, output_per_million: 0.6, cached_input_per_million: 0.075 },
          capabilities: { vision: true, tools: false },
        },
        {
          ...base,
          id: 'text-embedding-3-small',
          kind: 'embedding',
          dimensions: 1536,
          dimension_range: { min: 1, max: 1536 },
          max_input_tokens: 8191,
          pricing: { input_per_million: 0.02, output_per_million: 0 },
        },
        {
          ...base,
          id: 'fixed',
          kind: 'embedding',
          dimensions: 768,
          dimension_range: null,
          max_input_tokens: 2048,
          pricing: { input_per_million: 0, output_per_million: 0 },
        },
      ],
    };
    assert.deepEqual(await serialized(ModelList, models), models);
    const status = {
      providers: [
        { id: 'openai', state: 'degraded', success_rate: 0.8, ttft_ms: 240, recent_requests: 10, configured: true, simulated: false },
        { id: 'groq', state: 'down', success_rate: null, ttft_ms: null, recent_requests: 0, configured: false, simulated: true },
      ],
      updated_at: '2026-05-02T10:00:00.000Z',
    };
    assert.deepEqual(await serialized(StatusAnswer, status), status);
  });
});
