/**
 * What the dashboard API tests share: the wire shapes of keys, provider keys and errors, an OpenAI-shaped error
 * assertion, and a started gateway with two signed-up browsers (alice and bob) that records every API key secret
 * it hands out, so a test file can check at the end that each one leaked into no other response.
 */
import assert from 'node:assert/strict';
import { validateOpenAI } from '../openai-schemas.js';
import { DashboardClient, type ApiAnswer } from './dashboard-client.js';
import { startTestGateway, type TestGateway } from './gateway.js';

/** An OpenAI-shaped error body, as every failing `/api` call answers (docs/dashboard-api.md). */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** An API key as `/api/keys` returns it (never with its secret). */
export interface KeyJson {
  id: string;
  name: string;
  last4: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
  default_routing: string | null;
  /** OpenRouter-style `provider` preferences the key's requests route with by default. */
  default_provider: Record<string, unknown> | null;
  spend_cap_usd: number | null;
  rotated_from: string | null;
  grace_until: string | null;
}

/** A BYOK provider key as `/api/provider-keys` returns it (last 4 only). */
export interface ProviderKeyJson {
  id: string;
  provider: string;
  last4: string;
  created_at: string;
}

/** Asserts an OpenAI-shaped error answer with this status and code, and, when given, the field it names. */
export function assertError(answer: ApiAnswer<unknown>, status: number, code: string, param?: string): void {
  assert.equal(answer.status, status, answer.text);
  const body = answer.body as unknown as ErrorBody;
  validateOpenAI('ErrorResponse', body);
  assert.equal(body.error.code, code);
  if (param !== undefined) assert.equal(body.error.param, param);
}

/** A started gateway with alice and bob signed up; `close` it with `gw.close()`. */
export interface DashboardFixture {
  gw: TestGateway;
  alice: DashboardClient;
  bob: DashboardClient;
  aliceId: string;
  /** Every API key secret handed out; each may appear only in the one response that issued it. */
  secrets: string[];
  /** Creates a key through `/api/keys` (201 asserted) and records its secret in `secrets`. */
  createKey(client: DashboardClient, body?: Record<string, unknown>): Promise<{ key: KeyJson; secret: string }>;
  /** The status `/v1/models` answers with this secret as the bearer token. */
  v1Status(secret: string): Promise<number>;
}

/**
 * Starts a test gateway and signs up alice@example.com and bob@example.com, each in a browser of their own. Every
 * browser here comes from 127.0.0.1, which the gateway trusts as a reverse proxy (so `x-forwarded-proto: https`
 * stands for an HTTPS front) and which may sign up more than the default 5 accounts an hour.
 */
export async function startDashboardFixture(): Promise<DashboardFixture> {
  const gw = await startTestGateway((config) => {
    config.trustProxy = ['127.0.0.1'];
    config.throttles.signupPerAddress.limit = 1000;
  });
  const alice = new DashboardClient(gw.url);
  const bob = new DashboardClient(gw.url);
  const aliceId = (await alice.signup('alice@example.com')).id;
  await bob.signup('bob@example.com');
  const secrets: string[] = [];

  async function createKey(client: DashboardClient, body: Record<string, unknown> = { name: 'main' }): Promise<{ key: KeyJson; secret: string }> {
    const answer = await client.post<{ key: KeyJson; secret: string }>('/api/keys', body);
    assert.equal(answer.status, 201, answer.text);
    secrets.push(answer.body.secret);
    return answer.body;
  }

  async function v1Status(secret: string): Promise<number> {
    const response = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    await response.arrayBuffer();
    return response.status;
  }

  return { gw, alice, bob, aliceId, secrets, createKey, v1Status };
}
