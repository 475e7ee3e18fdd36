/**
 * Fuzzing every public endpoint (issue 9, "Bad input"): at least 10,000 generated malformed requests from a seeded
 * generator (`OP_FUZZ_SEED` to replay another run, `OP_FUZZ_COUNT` for more, `OP_FUZZ_DUMP=<file>` to write every
 * failing request there) — random JSON, wrong types, huge and
 * deeply nested values, invalid UTF-8, NaN/Infinity literals, unknown roles, wrong content types, oversized bodies,
 * bad auth and cookies, random methods, paths and query strings — through raw HTTP (an undici Pool, 32 in flight),
 * plus hand-written byte streams on raw sockets for what an HTTP client refuses to send (control characters in
 * headers, broken request lines, smuggling-style framing, oversized headers).
 *
 * Asserted: no response has a status ≥ 500; every error under `/v1` and `/api` (and every error from the HTTP
 * parser itself) is OpenAI-shaped JSON; bodies over 8 MiB get 413; and the process is healthy afterwards (it
 * answers `/health` and a real completion).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { createSeededRandom } from '../../src/simulator/random.js';
import { validateOpenAI } from '../openai-schemas.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SEED = Number(process.env.OP_FUZZ_SEED ?? 0x0f0f2026);
const COUNT = Number(process.env.OP_FUZZ_COUNT ?? 10_000);
const IN_FLIGHT = 32;
const BODY_LIMIT = 8 * 1024 * 1024;

let gw: TestGateway;
let pool: Pool;
let session: { cookie: string; csrf: string };

before(async () => {
  gw = await startTestGateway({ account: { plan: 'enterprise', rpm: 10_000_000, tpm: 1_000_000_000_000, concurrent: 10_000 } });
  pool = new Pool(gw.url, { connections: 16, pipelining: 1, bodyTimeout: 30_000, headersTimeout: 30_000 });
  const browser = new DashboardClient(gw.url);
  await browser.signup('fuzz@example.com', 'fuzz password 123');
  session = { cookie: browser.cookie ?? '', csrf: browser.csrfToken ?? '' };
});
after(async () => {
  await pool.close();
  await gw.close();
});

class Gen {
  /** Characters of long strings and elements of long arrays still allowed in the current request (see `reset`). */
  private budget = 0;

  constructor(readonly random: () => number) {}

  /** Starts a new request: at most about 1 MB of generated bulk in it. */
  reset(): void {
    this.budget = 1_000_000;
  }

  /** A size up to `max`, charged to the budget (small sizes are free). */
  private size(max: number): number {
    const wanted = this.int(max);
    if (wanted <= 64) return wanted;
    const granted = Math.min(wanted, Math.max(0, this.budget));
    this.budget -= granted;
    return granted;
  }
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Strings that hurt: empty, unicode, control characters, lone surrogates, injection-looking, long. */
  string(): string {
    switch (this.int(12)) {
      case 0:
        return '';
      case 1:
        return 'a'.repeat(this.size(this.chance(0.05) ? 200_000 : 5_000));
      case 2:
        return String.fromCharCode(...Array.from({ length: 1 + this.int(40) }, () => this.int(0x20)));
      case 3:
        return '\ud800\udfff\ud83d\ude00\ud800x\udc00';
      case 4:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$ref', '#/definitions/x']);
      case 5:
        return this.pick([
          "' OR 1=1 --",
          '"; DROP TABLE usage; --',
          '<script>alert(1)</script>',
          '../../../../etc/passwd',
          '%00',
          '${jndi:ldap://x}',
        ]);
      case 6:
        return this.pick(['user', 'assistant', 'system', 'tool', 'developer', 'function', 'wizard', 'USER', 'user ', '']);
      case 7:
        return this.pick(['gpt-4o-mini', 'auto', 'claude-haiku-4.5', 'gemini-2.5-flash', 'gpt-99', 'openai/gpt-4o-mini', '']);
      case 8:
        return String.fromCodePoint(
          ...Array.from({ length: 1 + this.int(30) }, () => this.int(0x10ffff + 1)).filter((c) => c < 0xd800 || c > 0xdfff),
        );
      case 9:
        return `op_${'A'.repeat(this.int(60))}`;
      default:
        return this.int(1e9)
          .toString(36)
          .repeat(1 + this.int(3));
    }
  }

  number(): number {
    return this.pick([0, -0, 1, -1, 0.5, 2, 3, 128, 129, 4096, 1e308, -1e308, 5e-324, 2 ** 53 + 1, -(2 ** 63), 1e21, 3.14159, 99_999_999]);
  }

  /** A random JSON value, at most `depth` deep. */
  value(depth: number): unknown {
    const kind = depth <= 0 ? this.int(4) : this.int(7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
        return this.string();
      case 4:
        return Array.from({ length: this.size(this.chance(0.02) ? 5_000 : 6) }, () => this.value(depth - 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let i = this.int(6); i > 0; i--) object[this.string().slice(0, 40)] = this.value(depth - 1);
        return object;
      }
    }
  }

  /** A chat request, mostly valid in shape, with one to three fields broken. */
  chatBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.pick(['gpt-4o-mini', 'auto', 'claude-haiku-4.5', 'gemini-2.5-flash', 'mistral-large']),
      messages: [{ role: 'user', content: 'hello fuzz' }],
    };
    const fields = [
      'model',
      'messages',
      'stream',
      'temperature',
      'top_p',
      'n',
      'max_tokens',
      'max_completion_tokens',
      'stop',
      'tools',
      'tool_choice',
      'response_format',
      'logit_bias',
      'user',
      'seed',
      'stream_options',
      'routing',
      'presence_penalty',
      'frequency_penalty',
      'parallel_tool_calls',
      'reasoning_effort',
      'logprobs',
      'top_logprobs',
      'metadata',
      'modalities',
    ];
    for (let i = 1 + this.int(3); i > 0; i--) {
      const field = this.pick(fields);
      body[field] = field === 'messages' ? this.messages() : this.value(3);
    }
    if (this.chance(0.1)) delete body.model;
    if (this.chance(0.05)) delete body.messages;
    return body;
  }

  messages(): unknown {
    if (this.chance(0.2)) return this.value(2);
    return Array.from({ length: this.chance(0.02) ? this.size(3_000) : 1 + this.int(4) }, () => {
      const message: Record<string, unknown> = { role: this.string().slice(0, 20) };
      switch (this.int(6)) {
        case 0:
          message.content = this.string();
          break;
        case 1:
          message.content = [
            { type: this.pick(['text', 'image_url', 'input_audio', 'file', 'video', '']), text: this.value(1), image_url: this.value(2) },
          ];
          break;
        case 2:
          message.tool_calls = [{ id: this.value(0), type: 'function', function: { name: this.value(0), arguments: this.value(1) } }];
          break;
        case 3:
          message.content = { type: 'text', text: 'object instead of array' };
          break;
        case 4:
          message.content = [
            {
              type: 'image_url',
              image_url: {
                url: this.pick([
                  'http://169.254.169.254/latest/meta-data',
                  'file:///etc/passwd',
                  'data:image/png;base64,!!!',
                  'javascript:alert(1)',
                  'http://localhost/x.png',
                ]),
              },
            },
          ];
          break;
        default:
          Object.assign(message, this.value(2));
      }
      return message;
    });
  }

  /** JSON text, then possibly mangled: truncated, NaN/Infinity literals, trailing commas, deep nesting, invalid UTF-8. */
  body(value: unknown): Buffer {
    let text = JSON.stringify(value) ?? 'undefined';
    switch (this.int(14)) {
      case 0:
        text = text.slice(0, this.int(text.length));
        break;
      case 1:
        text = text.replace(
          /:(\s*)(-?\d+(\.\d+)?|null|true|false)/,
          `:$1${this.pick(['NaN', 'Infinity', '-Infinity', 'undefined', '1e99999', '0x10', '01'])}`,
        );
        break;
      case 2:
        text = text.replace(/[}\]]$/, ',$&');
        break;
      case 3: {
        const depth = this.pick([100, 1_000, 10_000, 100_000, 1_000_000]);
        text = this.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        break;
      }
      case 4: {
        const bytes = Buffer.from(text);
        const bad = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
        const at = this.int(bytes.length + 1);
        return Buffer.concat([bytes.subarray(0, at), bad.subarray(0, 1 + this.int(bad.length)), bytes.subarray(at)]);
      }
      case 5:
        text = `\ufeff${text}`;
        break;
      case 6:
        text = `${text}${text}`;
        break;
      case 7:
        text = this.pick([
          '',
          ' ',
          'null',
          '[]',
          '"string"',
          '0',
          'true',
          '{}',
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
        ]);
        break;
      case 8: {
        const bytes = Buffer.from(text);
        for (let i = this.int(5); i >= 0 && bytes.length > 0; i--) bytes[this.int(bytes.length)] = this.int(256);
        return bytes;
      }
      default:
        break;
    }
    return Buffer.from(text);
  }

  contentType(): string | undefined {
    return this.chance(0.75)
      ? 'application/json'
      : this.pick([
          undefined,
          '',
          'text/plain',
          'text/html',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=----x',
          'application/octet-stream',
          'APPLICATION/JSON',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'application/jsonx',
          'application/vnd.api+json',
          'application/json;;;',
          '*/*',
        ]);
  }
}

type Auth = 'key' | 'session';

interface Endpoint {
  method: string;
  path: (g: Gen) => string;
  auth?: Auth;
  /** Takes a body. */
  body?: (g: Gen) => unknown;
}

/** `encodeURIComponent`, with lone surrogates (which it refuses) replaced first. */
function encode(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

const ID_LIKE = (g: Gen): string =>
  g.pick([
    'key_madeupmadeupmadeupmade',
    'pk_nope',
    '0',
    '-1',
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    '%E0%A4%A',
    'a'.repeat(2_000),
    encode(g.string().slice(0, 50)),
  ]);
const QUERY = (g: Gen): string => {
  const names = ['granularity', 'days', 'limit', 'cursor', 'model', 'key_id', 'status', '__proto__', 'days[]'];
  const parts = Array.from({ length: g.int(5) }, () => `${g.pick(names)}=${encode(String(g.value(0)).slice(0, 100))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
};

const ENDPOINTS: readonly Endpoint[] = [
  { method: 'POST', path: () => '/v1/chat/completions', auth: 'key', body: (g) => (g.chance(0.85) ? g.chatBody() : g.value(4)) },
  { method: 'POST', path: () => '/v1/chat/completions', auth: 'key', body: (g) => g.chatBody() },
  { method: 'POST', path: () => '/v1/routing/explain', auth: 'key', body: (g) => (g.chance(0.85) ? g.chatBody() : g.value(4)) },
  { method: 'GET', path: () => '/v1/models', auth: 'key' },
  { method: 'GET', path: (g) => `/v1/models/${g.chance(0.3) ? 'gpt-4o-mini' : ID_LIKE(g)}`, auth: 'key' },
  { method: 'GET', path: (g) => `/v1/${ID_LIKE(g)}`, auth: 'key' },
  { method: 'GET', path: () => '/health' },
  { method: 'GET', path: () => '/metrics' },
  { method: 'POST', path: () => '/api/signup', body: (g) => (g.chance(0.7) ? { email: g.string(), password: g.value(0) } : g.value(3)) },
  {
    method: 'POST',
    path: () => '/api/login',
    body: (g) => (g.chance(0.7) ? { email: g.pick(['fuzz@example.com', g.string()]), password: g.value(0) } : g.value(3)),
  },
  { method: 'GET', path: () => '/api/me', auth: 'session' },
  { method: 'GET', path: () => '/api/keys', auth: 'session' },
  {
    method: 'POST',
    path: () => '/api/keys',
    auth: 'session',
    body: (g) => ({ name: g.value(0), default_routing: g.value(0), spend_cap_usd: g.value(0) }),
  },
  { method: 'PATCH', path: (g) => `/api/keys/${ID_LIKE(g)}`, auth: 'session', body: (g) => g.value(2) },
  { method: 'POST', path: (g) => `/api/keys/${ID_LIKE(g)}/rotate`, auth: 'session', body: (g) => ({ grace_seconds: g.value(0) }) },
  { method: 'POST', path: (g) => `/api/keys/${ID_LIKE(g)}/revoke`, auth: 'session', body: (g) => g.value(1) },
  { method: 'GET', path: () => '/api/provider-keys', auth: 'session' },
  {
    method: 'POST',
    path: () => '/api/provider-keys',
    auth: 'session',
    body: (g) => ({ provider: g.string(), api_key: g.string(), test: g.value(0) }),
  },
  { method: 'DELETE', path: (g) => `/api/provider-keys/${ID_LIKE(g)}`, auth: 'session' },
  { method: 'GET', path: (g) => `/api/usage${QUERY(g)}`, auth: 'session' },
  { method: 'GET', path: (g) => `/api/logs${QUERY(g)}`, auth: 'session' },
  { method: 'GET', path: () => '/api/models', auth: 'session' },
  { method: 'GET', path: () => '/api/status' },
  { method: 'GET', path: (g) => `/api/${ID_LIKE(g)}`, auth: 'session' },
  {
    method: 'GET',
    path: (g) =>
      g.pick([
        '/',
        '/keys',
        '/login',
        '/usage',
        '/favicon.svg',
        '/assets/nope.js',
        '/index.html',
        '/.env',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/..%2f..%2fpackage.json',
        '/%ff',
        `/${ID_LIKE(g)}`,
      ]),
  },
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

function generate(g: Gen): FuzzRequest {
  g.reset();
  const endpoint = g.pick(ENDPOINTS);
  const method = g.chance(0.9) ? endpoint.method : g.pick(METHODS);
  const headers: Record<string, string> = {};
  if (endpoint.auth === 'key' || g.chance(0.05)) {
    headers.authorization = g.chance(0.8)
      ? `Bearer ${gw.apiKey}`
      : g.pick([
          '',
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          `bearer ${gw.apiKey}`,
          `Bearer ${gw.apiKey} extra`,
          `Bearer ${'x'.repeat(8_000)}`,
          'Bearer op_\u00ff\u00fe',
        ]);
  }
  if (endpoint.auth === 'session' || g.chance(0.05)) {
    if (g.chance(0.85))
      headers.cookie = `op_session=${
        g.chance(0.9)
          ? session.cookie
          : g
              .string()
              .replace(/[^\x21-\x7e]/g, '')
              .slice(0, 200)
      }`;
    if (g.chance(0.85)) headers['x-csrf-token'] = g.chance(0.9) ? session.csrf : 'wrong';
  }
  if (g.chance(0.05)) headers['x-forwarded-for'] = g.pick(['1.2.3.4', '::1', 'garbage', '1.1.1.1, 2.2.2.2']);
  if (g.chance(0.03)) headers['accept-encoding'] = 'gzip, br, zstd';
  let body: Buffer | undefined;
  if (endpoint.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    body = g.body(endpoint.body(g));
  } else if (g.chance(0.05) && method !== 'GET' && method !== 'HEAD') {
    body = g.body(g.value(2));
  }
  if (body !== undefined) {
    const type = g.contentType();
    if (type !== undefined) headers['content-type'] = type;
  }
  return { method, path: endpoint.path(g), headers, body };
}

interface Tally {
  sent: number;
  byStatus: Map<number, number>;
  serverErrors: string[];
  badShape: string[];
}

function record(tally: Tally, request: { method: string; path: string }, status: number, contentType: string, text: string): void {
  tally.sent += 1;
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  const where = `${request.method} ${request.path.slice(0, 120)} → ${status}: ${text.slice(0, 200)}`;
  if (status >= 500) tally.serverErrors.push(where);
  const api = request.path.startsWith('/v1') || request.path.startsWith('/api');
  if (api && status >= 400 && request.method !== 'HEAD') {
    try {
      assert.match(contentType, /^application\/json/);
      validateOpenAI('ErrorResponse', JSON.parse(text));
    } catch (error) {
      tally.badShape.push(`${where} (${String(error).slice(0, 200)})`);
    }
  }
}

async function sendPooled(request: FuzzRequest, tally: Tally): Promise<void> {
  try {
    const response = await pool.request({ method: request.method as 'GET', path: request.path, headers: request.headers, body: request.body });
    const text = await response.body.text();
    record(tally, request, response.statusCode, String(response.headers['content-type'] ?? ''), text);
  } catch (error) {
    tally.serverErrors.push(`${request.method} ${request.path.slice(0, 120)}: no answer (${String(error)})`);
  }
}

/** Sends raw bytes on a fresh socket and reads the answer until the server closes (or 5 s pass). */
function sendRaw(bytes: Buffer): Promise<{ status: number; contentType: string; body: string } | undefined> {
  const port = Number(new URL(gw.url).port);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (part: Buffer) => parts.push(part));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(parts).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      if (status === undefined) return resolve(undefined);
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const contentType = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
      let body = rest.join('\r\n\r\n');
      if (/\r\ntransfer-encoding: *chunked/i.test(head)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status: Number(status), contentType, body });
    });
    socket.write(bytes);
  });
}

/** Requests no well-behaved client library will send. Each closes its connection. */
function rawRequests(g: Gen): Array<{ label: string; bytes: Buffer }> {
  const auth = `authorization: Bearer ${gw.apiKey}\r\n`;
  const chat = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}';
  const requests: Array<{ label: string; bytes: Buffer }> = [];
  const add = (label: string, text: string | Buffer): void => {
    requests.push({ label, bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text });
  };
  for (let c = 0; c < 0x20; c++) {
    if (c === 0x09) continue;
    const ch = String.fromCharCode(c);
    add(`control 0x${c.toString(16)} in a header value`, `GET /v1/models HTTP/1.1\r\nhost: x\r\n${auth}x-test: a${ch}b\r\nconnection: close\r\n\r\n`);
    add(
      `control 0x${c.toString(16)} in the authorization header`,
      `GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer op_${ch}\r\nconnection: close\r\n\r\n`,
    );
    add(`control 0x${c.toString(16)} in a header name`, `GET /api/me HTTP/1.1\r\nhost: x\r\nx-te${ch}st: 1\r\nconnection: close\r\n\r\n`);
  }
  add('DEL in a header value', `GET /v1/models HTTP/1.1\r\nhost: x\r\n${auth}x-test: a\x7fb\r\nconnection: close\r\n\r\n`);
  add('obs-text in a header value', `GET /v1/models HTTP/1.1\r\nhost: x\r\n${auth}x-test: \xff\xfe\xc3\r\nconnection: close\r\n\r\n`);
  add('obs-text in a cookie', `GET /api/me HTTP/1.1\r\nhost: x\r\ncookie: op_session=\xff\xfe\r\nconnection: close\r\n\r\n`);
  add('garbage request line', 'GARBAGE\r\n\r\n');
  add('unknown HTTP version', 'GET /v1/models HTTP/9.9\r\nhost: x\r\n\r\n');
  add('space in the path', `GET /v1/mod els HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`);
  add('NUL in the path', `GET /v1/models\x00 HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`);
  add('bare LF line endings', `GET /health HTTP/1.1\nhost: x\nconnection: close\n\n`);
  add('header without colon', `GET /health HTTP/1.1\r\nhost: x\r\nnocolon\r\nconnection: close\r\n\r\n`);
  add('oversized headers', `GET /v1/models HTTP/1.1\r\nhost: x\r\n${auth}x-big: ${'a'.repeat(20_000)}\r\nconnection: close\r\n\r\n`);
  add('oversized URL', `GET /v1/models/${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`);
  add(
    'content-length and transfer-encoding',
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ncontent-length: ${chat.length}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${chat.length.toString(16)}\r\n${chat}\r\n0\r\n\r\n`,
  );
  add(
    'two different content-lengths',
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ncontent-length: 5\r\ncontent-length: ${chat.length}\r\nconnection: close\r\n\r\n${chat}`,
  );
  add(
    'negative content-length',
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ncontent-length: -1\r\nconnection: close\r\n\r\n${chat}`,
  );
  add(
    'bad chunk size',
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n${chat}\r\n0\r\n\r\n`,
  );
  add(
    'content-length over the limit (nothing sent)',
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n${auth}content-type: application/json\r\ncontent-length: ${BODY_LIMIT + 1}\r\nconnection: close\r\n\r\n`,
  );
  add('absolute-form URL', `GET http://evil.example/v1/models HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`);
  add('asterisk-form', `OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
  add('HTTP/1.0 without host', `GET /health HTTP/1.0\r\n\r\n`);
  // Random bytes after a valid start.
  for (let i = 0; i < 60; i++) {
    const junk = Buffer.from(Array.from({ length: 1 + g.int(200) }, () => g.int(256)));
    add(
      'random bytes in the headers',
      Buffer.concat([Buffer.from(`GET /v1/models HTTP/1.1\r\nhost: x\r\n${auth}`), junk, Buffer.from('\r\nconnection: close\r\n\r\n')]),
    );
  }
  return requests;
}

describe('fuzz', () => {
  it(`${COUNT.toLocaleString('en')} generated malformed requests: no 5xx, OpenAI-shaped errors, healthy after`, { timeout: 300_000 }, async () => {
    const g = new Gen(createSeededRandom(SEED));
    const tally: Tally = { sent: 0, byStatus: new Map(), serverErrors: [], badShape: [] };
    const started = Date.now();

    // Bodies over the limit, on both JSON parsers (/v1 and /api's own): 413, OpenAI-shaped.
    const huge = Buffer.alloc(BODY_LIMIT + 1024, 0x61);
    for (const path of ['/v1/chat/completions', '/v1/routing/explain', '/api/signup', '/api/keys']) {
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${gw.apiKey}`,
        cookie: `op_session=${session.cookie}`,
        'x-csrf-token': session.csrf,
      };
      const response = await pool.request({ method: 'POST', path, headers, body: huge });
      const text = await response.body.text();
      assert.equal(response.statusCode, 413, `${path}: ${text}`);
      record(tally, { method: 'POST', path }, response.statusCode, String(response.headers['content-type']), text);
    }

    const raw = rawRequests(g);
    for (const { label, bytes } of raw) {
      const answer = await sendRaw(bytes);
      if (answer === undefined) continue; // the server hung up without an answer: allowed for garbage
      record(tally, { method: 'RAW', path: `/v1 raw: ${label}` }, answer.status, answer.contentType, answer.body);
    }

    let generated = 0;
    const worker = async (): Promise<void> => {
      while (generated < COUNT) {
        generated += 1;
        await sendPooled(generate(g), tally);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const elapsed = Date.now() - started;

    const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.log(
      `# fuzz: seed ${SEED}, ${tally.sent} answers (${COUNT} generated, ${raw.length} raw, 4 oversized) in ${elapsed} ms; ` +
        `5xx: ${tally.serverErrors.length}; not OpenAI-shaped: ${tally.badShape.length}; statuses ${statuses.join(' ')}`,
    );
    if (process.env.OP_FUZZ_DUMP) writeFileSync(process.env.OP_FUZZ_DUMP, [...tally.serverErrors, ...tally.badShape].join('\n'));
    assert.deepEqual(tally.serverErrors.slice(0, 10), [], `${tally.serverErrors.length} answers ≥ 500`);
    assert.deepEqual(tally.badShape.slice(0, 10), [], `${tally.badShape.length} errors not in OpenAI's shape`);
    assert.ok(tally.sent >= COUNT);

    const health = await fetch(`${gw.url}/health`);
    assert.equal(health.status, 200);
    const completion = await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still alive?' }] });
    assert.equal(completion.object, 'chat.completion');
  });
});
