/**
 * Secrets, isolation, SSRF and dashboard hardening (issue 9, "Security"), end to end on a gateway that logs at
 * `trace` into a file:
 * - every flow that handles a secret runs (signup, logins right and wrong, key create/rotate/revoke, /v1 JSON and
 *   streams, BYOK add with a live test and use, an upstream that echoes the credential it was sent, logout), then
 *   the log file and every byte of the database files are searched for each secret used: API keys, the gateway's
 *   and the accounts' provider keys, passwords, session tokens, CSRF tokens (logs only: the store keeps them to
 *   compare) and the master key — none may appear;
 * - `api_keys` holds the SHA-256 and last four characters of each key, `provider_credentials` only ciphertext;
 *   keys are looked up by hash (see `KeyCache.lookup` in src/auth/key-cache.ts: one SHA-256, then a Map lookup or
 *   an indexed query by the hash, no comparison of secrets; CSRF tokens compare SHA-256 digests with `timingSafeEqual` in src/auth/csrf.ts; session
 *   tokens are looked up by their SHA-256 in src/auth/sessions.ts; passwords verify with scrypt + `timingSafeEqual`);
 * - isolation beyond test/integration/dashboard-usage.test.ts: one account's BYOK key is never used for another's
 *   requests, a logs cursor does not cross accounts, a CSRF token only works with its own session;
 * - SSRF through the gateway: images at loopback (by IP, by name, in hex), metadata and IPv6 loopback addresses are
 *   refused before any connection, and a redirect to a blocked address is refused by the gateway's image step;
 * - dashboard: cross-site form posts are refused, security headers are on assets, on the HTML fallback and on
 *   answers given before any route runs.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { BlockList, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import type { Writable } from 'node:stream';
import { createAccountsService, createKeysService, KeyCache, keySourceOf } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { ChatCompletionRequest } from '../../src/core/chat-request.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { ImageFetcher } from '../../src/gateway/image-fetch.js';
import { UpstreamClient } from '../../src/gateway/upstream-client.js';
import { Catalog } from '../../src/routing/catalog.js';
import { InMemoryCircuitBreakers } from '../../src/routing/circuit-breaker.js';
import { InMemoryHealthStore } from '../../src/routing/health.js';
import { Router } from '../../src/routing/router.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { validateOpenAI } from '../openai-schemas.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { answerOpenAI, openAIStreamHead, SSE_HEADERS, startFaultUpstream, type FaultUpstream } from '../reliability/fault-upstream.js';

const MASTER_KEY = randomBytes(32);
const GATEWAY_DEEPSEEK_KEY = `sk-gateway-${randomBytes(16).toString('hex')}`;
const ALICE_PASSWORD = `alice pw ${randomBytes(8).toString('hex')}`;
const BOB_PASSWORD = `bob pw ${randomBytes(8).toString('hex')}`;
const ALICE_XAI_KEY = `xai-${randomBytes(16).toString('hex')}`;
const ALICE_DEEPSEEK_KEY = `sk-alice-${randomBytes(16).toString('hex')}`;

let gw: RunningGateway;
let fault: FaultUpstream;
let dataDir: string;
let logFile: string;
let logStream: Writable;
/** Every secret used, with a label for failure messages; `inStore` false for secrets the store legitimately keeps. */
const secrets: Array<{ label: string; value: string; inStore: boolean }> = [];
const secret = (label: string, value: string, inStore = true): string => {
  secrets.push({ label, value, inStore });
  return value;
};

before(async () => {
  secret('master key (base64)', MASTER_KEY.toString('base64'));
  secret('master key (hex)', MASTER_KEY.toString('hex'));
  secret("gateway's deepseek key", GATEWAY_DEEPSEEK_KEY);
  secret("alice's password", ALICE_PASSWORD);
  secret("bob's password", BOB_PASSWORD);
  secret("alice's xai key", ALICE_XAI_KEY);
  secret("alice's deepseek key", ALICE_DEEPSEEK_KEY);

  fault = await startFaultUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'op-secrets-'));
  logFile = join(dataDir, 'gateway.log');
  logStream = createWriteStream(logFile);
  const config = loadConfig({ env: { OP_DATA_DIR: dataDir, OP_PORT: '0', OP_HOST: '127.0.0.1', OP_MASTER_KEY: MASTER_KEY.toString('base64') } });
  config.providers.deepseek = { ...config.providers.deepseek!, apiKey: GATEWAY_DEEPSEEK_KEY, baseUrl: `${fault.url}/v1` };
  const logger: PinoLoggerOptions & { stream: Writable } = { level: 'trace', stream: logStream };
  gw = await startGateway({ config, simulate: true, logger, seedDemo: false, keyPollMs: 50 });
});
after(async () => {
  await gw.close();
  await fault.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** An upstream that, like some providers, quotes the whole credential it was sent in its 401. */
function echoingUpstream(): void {
  fault.handler = (req, res) => {
    const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
  };
}

async function v1(apiKey: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const hello = [{ role: 'user', content: 'hello secrets' }];

describe('every flow, then no secret in the logs or the database', () => {
  let alice: DashboardClient;
  let bob: DashboardClient;
  const responses: string[] = [];

  it('runs signup, login, keys, /v1, BYOK, upstream credential echoes and logout', async () => {
    alice = new DashboardClient(gw.url);
    bob = new DashboardClient(gw.url);
    await alice.signup('alice@example.com', ALICE_PASSWORD);
    await bob.signup('bob@example.com', BOB_PASSWORD);
    secret("alice's first session", alice.cookie ?? '');
    secret("bob's session", bob.cookie ?? '');
    secret("alice's first CSRF token", alice.csrfToken ?? '', false);

    assert.equal((await alice.post('/api/login', { email: 'alice@example.com', password: `${ALICE_PASSWORD}x` })).status, 401);
    assert.equal((await alice.post('/api/login', { email: 'alice@example.com', password: ALICE_PASSWORD })).status, 200);
    secret("alice's second session", alice.cookie ?? '');
    secret("alice's CSRF token", alice.csrfToken ?? '', false);
    secret("bob's CSRF token", bob.csrfToken ?? '', false);

    const created = await alice.post<{ key: { id: string }; secret: string }>('/api/keys', { name: 'main' });
    assert.equal(created.status, 201);
    secret('API key 1', created.body.secret);
    const rotated = await alice.post<{ key: { id: string }; secret: string }>(`/api/keys/${created.body.key.id}/rotate`, {});
    assert.equal(rotated.status, 200);
    const key = secret('API key 2 (rotated)', rotated.body.secret);
    const doomed = await alice.post<{ key: { id: string }; secret: string }>('/api/keys', { name: 'doomed' });
    secret('API key 3 (revoked)', doomed.body.secret);
    assert.equal((await alice.post(`/api/keys/${doomed.body.key.id}/revoke`)).status, 200);
    const bobKey = await bob.post<{ secret: string }>('/api/keys', { name: 'bob' });
    secret("bob's API key", bobKey.body.secret);

    for (const stream of [false, true]) {
      const ok = await v1(key, { model: 'gpt-4o-mini', messages: hello, stream });
      assert.equal(ok.status, 200);
      responses.push(ok.text);
    }
    responses.push((await v1(key, { model: 'gpt-4o-mini', messages: 'not a list' })).text);
    assert.equal((await v1(doomed.body.secret, { model: 'gpt-4o-mini', messages: hello })).status, 401);
    assert.equal((await v1(created.body.secret, { model: 'gpt-4o-mini', messages: hello })).status, 401);

    // The gateway's own deepseek key: accepted once, then echoed back by the upstream in a 401 (JSON and stream).
    fault.handler = answerOpenAI;
    assert.equal((await v1(key, { model: 'deepseek-chat', messages: hello })).status, 200);
    echoingUpstream();
    for (const stream of [false, true]) {
      const echoed = await v1(key, { model: 'deepseek-chat', messages: hello, stream });
      assert.equal(echoed.status, 502, echoed.text);
      validateOpenAI('ErrorResponse', JSON.parse(echoed.text));
      assert.ok(!echoed.text.includes(GATEWAY_DEEPSEEK_KEY), `the provider key reached the client: ${echoed.text}`);
      responses.push(echoed.text);
    }

    // Mid-stream: the upstream echoes the key in an in-band error after the first chunks (logged at warn).
    fault.handler = (req, res) => {
      const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(200, SSE_HEADERS);
      res.end(
        `${openAIStreamHead('deepseek-chat')}data: ${JSON.stringify({ error: { message: `Key ${sent} was revoked mid-stream`, code: 401 } })}\n\n`,
      );
    };
    const midStream = await v1(key, { model: 'deepseek-chat', messages: hello, stream: true });
    assert.equal(midStream.status, 200);
    assert.match(midStream.text, /"error"/);
    assert.ok(!midStream.text.includes(GATEWAY_DEEPSEEK_KEY), `the provider key reached the client mid-stream: ${midStream.text}`);
    responses.push(midStream.text);

    // BYOK: a key checked live against the simulator, one the (echoing) upstream rejects, then used on /v1.
    const xai = await alice.post('/api/provider-keys', { provider: 'xai', api_key: ALICE_XAI_KEY, test: true });
    assert.equal(xai.status, 201, xai.text);
    echoingUpstream();
    const rejected = await alice.post('/api/provider-keys', { provider: 'deepseek', api_key: ALICE_DEEPSEEK_KEY, test: true });
    assert.equal(rejected.status, 400, rejected.text);
    fault.handler = answerOpenAI;
    assert.equal((await alice.post('/api/provider-keys', { provider: 'deepseek', api_key: ALICE_DEEPSEEK_KEY })).status, 201);
    echoingUpstream();
    const byokEchoed = await v1(key, { model: 'deepseek-chat', messages: hello });
    assert.ok(!byokEchoed.text.includes(ALICE_DEEPSEEK_KEY), `the BYOK key came back: ${byokEchoed.text}`);
    responses.push(byokEchoed.text);
    fault.handler = answerOpenAI;
    const grok = await v1(key, { model: 'grok-4', messages: hello });
    assert.equal(grok.status, 200, grok.text);

    assert.equal((await alice.post('/api/logout')).status, 204);
    assert.equal((await alice.get('/api/me')).status, 401);
  });

  it('the logs (trace level) hold none of the secrets', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logs = readFileSync(logFile, 'utf8');
    assert.match(logs, /Server listening/, 'the logger wrote nothing: the check would be empty');
    assert.match(logs, /stream failed after the first byte/, 'the mid-stream failure was not logged');
    for (const { label, value } of secrets) {
      assert.ok(value.length >= 8, `${label} is too short to search for`);
      assert.ok(!logs.includes(value), `${label} is in the logs`);
    }
  });

  it('no response to a client carried a provider key, the master key or a password', () => {
    const texts = [...responses, ...alice.transcript, ...bob.transcript];
    for (const { label, value } of secrets.filter((s) => !/API key|session|CSRF/.test(s.label))) {
      assert.ok(!texts.some((text) => text.includes(value)), `${label} was sent to a client`);
    }
  });

  it('the database files (with the WAL) hold none of them, in any byte', async () => {
    await gw.ledger.flush();
    const files = readdirSync(dataDir).filter((name) => name.startsWith('originalpoint.db'));
    assert.ok(files.length >= 1);
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(dataDir, name))));
    for (const { label, value, inStore } of secrets) {
      if (!inStore) continue;
      assert.ok(!bytes.includes(Buffer.from(value, 'utf8')), `${label} is stored in clear`);
    }
  });

  it('api_keys holds the SHA-256 and last four of each key; provider_credentials only ciphertext', async () => {
    const keys = await gw.store.db.selectFrom('apiKeys').selectAll().execute();
    const apiKeys = secrets.filter((s) => /API key/.test(s.label)).map((s) => s.value);
    assert.equal(keys.length, apiKeys.length);
    for (const value of apiKeys) {
      const row = keys.find((k) => k.keyHash === createHash('sha256').update(value).digest('hex'));
      assert.ok(row, 'a key without its hash row');
      assert.equal(row.last4, value.slice(-4));
      assert.ok(!Object.values(row).some((field) => typeof field === 'string' && field.includes(value)));
    }
    const credentials = await gw.store.db.selectFrom('providerCredentials').selectAll().execute();
    assert.equal(credentials.length, 2);
    for (const row of credentials) {
      for (const plain of [ALICE_XAI_KEY, ALICE_DEEPSEEK_KEY]) {
        assert.ok(!Object.values(row).some((field) => typeof field === 'string' && field.includes(plain)));
      }
      assert.match(row.ciphertext, /^[A-Za-z0-9+/=_-]+$/);
    }
  });
});

describe('keys are looked up by hash', () => {
  it('the key cache authenticates from rows that hold only hashes; a one-character change misses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'op-keycache-'));
    const { createStore, migrateToLatest } = await import('../../src/store/index.js');
    const store = createStore({ dataDir: dir });
    try {
      await migrateToLatest(store.db);
      const account = await createAccountsService({ db: store.db }).createAccount({ email: 'hash@example.com' });
      const { secret: value } = await createKeysService({ db: store.db }).createKey({ accountId: account.id, name: 'k' });
      const cache = new KeyCache(keySourceOf(store));
      await cache.start();
      assert.equal((await cache.lookup(value))?.accountId, account.id);
      const last = value.at(-1) === 'a' ? 'b' : 'a';
      assert.equal(await cache.lookup(value.slice(0, -1) + last), undefined);
      assert.equal(await cache.lookup(value.slice(0, -1)), undefined);
      cache.stop();
      // What the cache was built from: no column can hold the secret.
      const row = await store.db.selectFrom('apiKeys').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(Object.keys(row).sort(), [
        'accountId',
        'allowedModels',
        'budgetPeriod',
        'budgetUsd',
        'createdAt',
        'defaultProvider',
        'defaultRouting',
        'expiresAt',
        'id',
        'keyHash',
        'last4',
        'lastUsedAt',
        'name',
        'responseCacheTtlS',
        'revokedAt',
        'rotatedFrom',
        'rpmLimit',
        'spendCapUsd',
        'tpmLimit',
      ]);
      for (const [column, stored] of Object.entries(row)) {
        assert.ok(!String(stored).includes(value.slice(3)), `${column} holds no part of the secret beyond what last4 shows`);
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isolation between accounts (additions)', () => {
  let carol: DashboardClient;
  let dave: DashboardClient;
  let carolKey: string;
  let daveKey: string;
  const CAROL_XAI = `xai-${randomBytes(16).toString('hex')}`;

  before(async () => {
    carol = new DashboardClient(gw.url);
    dave = new DashboardClient(gw.url);
    await carol.signup('carol@example.com');
    await dave.signup('dave@example.com');
    carolKey = (await carol.post<{ secret: string }>('/api/keys', { name: 'c' })).body.secret;
    daveKey = (await dave.post<{ secret: string }>('/api/keys', { name: 'd' })).body.secret;
    assert.equal((await carol.post('/api/provider-keys', { provider: 'xai', api_key: CAROL_XAI })).status, 201);
  });

  it("one account's BYOK key is never used for another account's requests", async () => {
    assert.ok(gw.simulator);
    const tails = (): string[] => gw.simulator?.stats().keyTails['grok-4'] ?? [];
    const before = new Set(tails());
    assert.equal((await v1(daveKey, { model: 'grok-4', messages: hello })).status, 200);
    const afterDave = tails().filter((t) => !before.has(t));
    assert.ok(!afterDave.includes(CAROL_XAI.slice(-4)), "dave's request went out with carol's key");
    assert.equal((await v1(carolKey, { model: 'grok-4', messages: hello })).status, 200);
    assert.ok(tails().includes(CAROL_XAI.slice(-4)), "carol's own request did not use her key");
  });

  it('a logs cursor from one account shows nothing of it to another', async () => {
    for (let i = 0; i < 3; i++) await v1(carolKey, { model: 'gpt-4o-mini', messages: hello });
    await gw.ledger.flush();
    const page = await carol.get<{ data: unknown[]; next_cursor: string | null }>('/api/logs?limit=1');
    assert.equal(page.body.data.length, 1);
    assert.ok(page.body.next_cursor);
    const stolen = await dave.get<{ data: Array<{ request_id: string }> }>(`/api/logs?limit=50&cursor=${encodeURIComponent(page.body.next_cursor)}`);
    const carolIds = new Set((await carol.get<{ data: Array<{ request_id: string }> }>('/api/logs?limit=200')).body.data.map((r) => r.request_id));
    assert.ok(stolen.status === 200 || stolen.status === 400, stolen.text);
    if (stolen.status === 200) assert.ok(!stolen.body.data.some((r) => carolIds.has(r.request_id)), "dave read carol's logs");
  });

  it('a CSRF token works only with its own session', async () => {
    const mixed = await carol.post('/api/keys', { name: 'forged' }, { csrf: dave.csrfToken ?? '' });
    assert.equal(mixed.status, 403);
    const keys = await carol.get<{ data: Array<{ name: string }> }>('/api/keys');
    assert.ok(!keys.body.data.some((k) => k.name === 'forged'));
  });
});

describe('SSRF through the gateway', () => {
  let images: Server;
  let imagePort: number;
  let hits = 0;
  before(async () => {
    images = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
    });
    images.listen(0, '127.0.0.1');
    await once(images, 'listening');
    imagePort = (images.address() as AddressInfo).port;
  });
  after(() => images.close());

  it('a Gemini request with an image at a private or reserved address is a 400 and nothing is fetched', async () => {
    const apiKey = (
      await createKeysService({ db: gw.store.db, onChange: () => gw.keys.invalidate() }).createKey({
        accountId: (await createAccountsService({ db: gw.store.db }).createAccount({ email: 'ssrf@example.com', plan: 'enterprise' })).id,
        name: 'ssrf',
      })
    ).secret;
    await gw.keys.invalidate();
    const urls = [
      `http://127.0.0.1:${imagePort}/x.png`,
      `http://localhost:${imagePort}/x.png`,
      `http://0x7f000001:${imagePort}/x.png`,
      `http://2130706433:${imagePort}/x.png`,
      `http://[::1]:${imagePort}/x.png`,
      `http://[::ffff:127.0.0.1]:${imagePort}/x.png`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://10.0.0.1/x.png',
      `file:///etc/passwd`,
    ];
    for (const url of urls) {
      const answer = await v1(apiKey, {
        model: 'gemini-2.5-flash',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      });
      assert.equal(answer.status, 400, `${url}: ${answer.text}`);
      const body = JSON.parse(answer.text) as { error: { param: string } };
      validateOpenAI('ErrorResponse', body);
      assert.equal(body.error.param, 'messages[0].content[1].image_url.url');
    }
    assert.equal(hits, 0, 'the gateway connected to a private address');
  });

  it('a redirect to a blocked address is refused by the gateway’s image step (and the target never hears of it)', async () => {
    // The gateway's own fetcher blocks all of loopback, so the first hop cannot be local; this one blocks 127.0.0.2
    // only: the test server on 127.0.0.1 plays the public site that redirects.
    const sim: Simulator = await startSimulator();
    let privateHits = 0;
    const target = createServer((_req, res) => {
      privateHits += 1;
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
    });
    target.listen(0, '127.0.0.2');
    await once(target, 'listening');
    const privatePort = (target.address() as AddressInfo).port;
    const redirector = createServer((req, res) => {
      if (req.url === '/ok.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
      else res.writeHead(302, { location: `http://127.0.0.2:${privatePort}/secret.png` }).end();
    });
    redirector.listen(0, '127.0.0.1');
    await once(redirector, 'listening');
    const base = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    const blockList = new BlockList();
    blockList.addAddress('127.0.0.2');
    const fetcher = new ImageFetcher({ blockList });
    const config = loadConfig({ env: {} });
    const providers = { ...config.providers, google: { ...config.providers.google!, baseUrl: `${sim.url}/google`, apiKey: 'simulated' } };
    const now = Date.now;
    const router = new Router({
      catalog: new Catalog(config.models, providers),
      health: new InMemoryHealthStore({ now }),
      breakers: new InMemoryCircuitBreakers({ now }),
      now,
      random: () => 0.5,
    });
    const client = new UpstreamClient(config.timeouts);
    const gateway = new Gateway({ client, now, generateId: () => 'chatcmpl-ssrf', images: fetcher });
    const ask = (url: string): Promise<unknown> => {
      const request: ChatCompletionRequest = {
        model: 'gemini-2.5-flash',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what?' },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      };
      return gateway.complete(request, router.route(request).candidates, new AbortController().signal);
    };
    try {
      const allowed = (await ask(`${base}/ok.png`)) as { completion: { choices: Array<{ message: { content: string } }> } };
      assert.match(allowed.completion.choices[0]?.message.content ?? '', /I see 1 image/);
      await assert.rejects(ask(`${base}/redirect`), (error: unknown) => {
        assert.equal((error as { status: number }).status, 400);
        assert.match((error as Error).message, /private or reserved/);
        return true;
      });
      assert.equal(privateHits, 0);
    } finally {
      await client.close();
      await fetcher.close();
      await sim.close();
      target.close();
      redirector.close();
    }
  });
});

describe('dashboard hardening (additions to test/integration/dashboard-api.test.ts)', () => {
  it('a cross-site form post (cookie, no token, form encoding) is refused', async () => {
    const victim = new DashboardClient(gw.url);
    await victim.signup('victim@example.com');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const answer = await victim.call('POST', '/api/keys', undefined, { csrf: false, raw: 'name=pwned', headers: { 'content-type': type } });
      assert.ok(answer.status === 403 || answer.status === 415, `${type}: ${answer.status}`);
      validateOpenAI('ErrorResponse', answer.body);
    }
    assert.deepEqual((await victim.get<{ data: unknown[] }>('/api/keys')).body.data, []);
  });

  it('security headers on assets, the HTML fallback, /api errors and answers given before any route', async () => {
    const paths = ['/favicon.svg', '/usage', '/api/nothing', '/api/keys/%E0%A4%A', `/api/keys/${'a'.repeat(300)}/revoke`];
    const assetsDir = new URL('../../web/dist/assets/', import.meta.url).pathname;
    const asset = existsSync(assetsDir) ? readdirSync(assetsDir)[0] : undefined;
    if (asset !== undefined) paths.push(`/assets/${asset}`);
    for (const path of paths) {
      const response = await fetch(`${gw.url}${path}`, { method: path.endsWith('/revoke') ? 'POST' : 'GET' });
      await response.arrayBuffer();
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });
});
