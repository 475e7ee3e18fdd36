/**
 * The `/v1` key check runs on the matched route (issue 13, finding 6). Requests are written with raw `node:http`
 * so the request target reaches the gateway exactly as sent: percent-encoded path segments (`/%761/models`,
 * `/v1/%6dodels`) and the absolute form (`GET http://x/v1/models`), which the router decodes or accepts while a test
 * on the raw URL did not recognise them. Without a key each is a 401; with one each works. A path that matches no
 * route is an OpenAI-shaped 404, and the gateway's log (pino at `trace`, captured in memory) holds no error and no
 * stack.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { PinoLoggerOptions } from 'fastify/types/logger.js';
import { createAccountsService, createKeysService } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { validateOpenAI } from '../openai-schemas.js';

let gw: RunningGateway;
let port: number;
let apiKey: string;
let dataDir: string;
/** Every log line the gateway wrote; pino writes each entry synchronously, so this is complete at any await. */
const logLines: string[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'op-route-auth-'));
  const config = loadConfig({ env: { OP_DATA_DIR: dataDir, OP_PORT: '0', OP_HOST: '127.0.0.1' } });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      callback();
    },
  });
  const logger: PinoLoggerOptions & { stream: Writable } = { level: 'trace', stream };
  gw = await startGateway({ config, simulate: true, logger, seedDemo: false, keyPollMs: 50 });
  port = Number(new URL(gw.url).port);
  const onChange = (): Promise<void> => gw.keys.invalidate();
  await createAccountsService({ db: gw.store.db, onChange }).createAccount({ email: 'route-auth@example.com', plan: 'enterprise' });
  apiKey = (await createKeysService({ db: gw.store.db, onChange }).createKey({ email: 'route-auth@example.com', name: 'test' })).secret;
});
after(async () => {
  await gw.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with the target sent verbatim (no URL parsing or normalisation on the client side). */
function send(method: string, target: string, options: { key?: string; body?: unknown } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

function errorCode(response: RawResponse): string | null {
  const body: unknown = JSON.parse(response.text);
  validateOpenAI('ErrorResponse', body);
  return (body as { error: { code: string | null } }).error.code;
}

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

/** Every spelling of a `/v1` route the router resolves, with what a keyed request gets. */
const FORMS: ReadonlyArray<{ method: string; target: string; body?: unknown; object: string }> = [
  { method: 'GET', target: '/%761/models', object: 'list' },
  { method: 'POST', target: '/%761/chat/completions', body: chat, object: 'chat.completion' },
  { method: 'GET', target: 'http://x/v1/models', object: 'list' },
  { method: 'GET', target: '/v1/%6dodels', object: 'list' },
  { method: 'GET', target: '/v1/models/%67pt-5', object: 'model' },
  { method: 'POST', target: 'http://x/%76%31/chat/completions', body: chat, object: 'chat.completion' },
];

describe('a /v1 route reached through another spelling of its path', () => {
  for (const form of FORMS) {
    it(`${form.method} ${form.target} without a key → 401 invalid_api_key`, async () => {
      const response = await send(form.method, form.target, { body: form.body });
      assert.equal(response.status, 401);
      assert.equal(errorCode(response), 'invalid_api_key');
      assert.match(String(response.headers['x-request-id']), /^req_/);
      assert.equal(response.headers['x-ratelimit-limit'], undefined, 'no key, no account windows to report');
    });

    it(`${form.method} ${form.target} with a wrong key → 401`, async () => {
      const response = await send(form.method, form.target, { body: form.body, key: `op_${'x'.repeat(40)}` });
      assert.equal(response.status, 401);
      assert.equal(errorCode(response), 'invalid_api_key');
    });

    it(`${form.method} ${form.target} with a valid key → 200`, async () => {
      const response = await send(form.method, form.target, { body: form.body, key: apiKey });
      assert.equal(response.status, 200, response.text);
      assert.equal((JSON.parse(response.text) as { object: string }).object, form.object);
      assert.ok(response.headers['x-ratelimit-limit'] !== undefined, 'an authenticated answer carries the rate-limit headers');
    });
  }

  it('HEAD on a GET route (Fastify adds one for each) needs the key too', async () => {
    assert.equal((await send('HEAD', '/%761/models')).status, 401);
    assert.equal((await send('HEAD', '/%761/models', { key: apiKey })).status, 200);
  });

  it('routes outside /v1 still answer without a key', async () => {
    assert.equal((await send('GET', '/health')).status, 200);
    assert.equal((await send('GET', 'http://x/health')).status, 200);
  });
});

describe('a path that matches no route', () => {
  for (const [method, target] of [
    ['GET', '/v1/nothing'],
    ['POST', '/v1/nothing'],
    ['POST', '/%761/nothing'],
    ['POST', '/v1/chat/completions/extra'],
    ['DELETE', '/v1/models'],
  ] as const) {
    it(`${method} ${target} → 404 not_found, with or without a key`, async () => {
      for (const key of [undefined, apiKey]) {
        const response = await send(method, target, key === undefined ? {} : { key });
        assert.equal(response.status, 404, `${method} ${target} key=${key !== undefined}`);
        assert.equal(errorCode(response), 'not_found');
        assert.match(String(response.headers['x-request-id']), /^req_/);
      }
    });
  }
});

describe('the log after every request above', () => {
  it('holds no error entry and no stack trace', async () => {
    assert.ok(logLines.length > 0, 'the gateway logged at trace level');
    for (const line of logLines) {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      assert.ok(entry.level < 50, `an error was logged: ${line.slice(0, 300)}`);
      assert.ok(!line.includes('"stack"'), `a stack trace was logged: ${line.slice(0, 300)}`);
    }
  });
});
