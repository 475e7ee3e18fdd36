/**
 * The Messages door's refusals and limits (issue 18), in Anthropic's error shape — `{"type":"error","error":{type,
 * message},"request_id"}` with a `request-id` header — through the real `@anthropic-ai/sdk` and raw HTTP: keys,
 * bodies the parser refuses, bad input, unknown models, the cost rule, rate limits (429 with `retry-after`), spend
 * caps (402 `billing_error`), mid-stream failures (an `error` event); nothing refused reaches an upstream or is
 * charged, and each gets its ledger row. BYOK as for every endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { createSeededRandom } from '../../src/simulator/random.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicClient, anthropicError } from '../helpers/messages.js';
import { ledgerRows } from '../helpers/ledger.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

interface RawAnswer {
  status: number;
  headers: Headers;
  body: { type?: string; error?: { type?: string; message?: string }; request_id?: string };
}

/** POSTs `body` (a string is sent as it is) to a Messages route with the given key. */
async function post(path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': gw.apiKey }): Promise<RawAnswer> {
  const response = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawAnswer['body'] };
}

/** Asserts Anthropic's error shape with our request id, in the body and the `request-id` header. */
function assertAnthropicError(answer: RawAnswer, status: number, type: string, message?: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.type, 'error');
  assert.equal(answer.body.error?.type, type);
  if (message !== undefined) assert.match(answer.body.error?.message ?? '', message);
  assert.match(answer.headers.get('request-id') ?? '', /^req_/);
  assert.equal(answer.body.request_id, answer.headers.get('request-id'));
}

const hello = { model: 'claude-sonnet-4.5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('keys', () => {
  it('a missing or unknown key is a 401 authentication_error on /v1/messages and count_tokens, x-api-key or Bearer', async () => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens', '/v1/messages?beta=true']) {
      assertAnthropicError(await post(path, hello, {}), 401, 'authentication_error', /API key/);
      assertAnthropicError(await post(path, hello, { 'x-api-key': 'op_not_a_key' }), 401, 'authentication_error');
      assertAnthropicError(await post(path, hello, { authorization: 'Bearer op_not_a_key' }), 401, 'authentication_error');
    }
    const error = await anthropicError(anthropicClient(gw, 'op_not_a_key').messages.create(hello));
    assert.ok(error instanceof Anthropic.AuthenticationError);
  });

  it('a Bearer key works as well as x-api-key, and ?beta=true is the same route', async () => {
    const bearer = new Anthropic({ authToken: gw.apiKey, apiKey: null, baseURL: gw.url, maxRetries: 0 });
    assert.equal((await bearer.messages.create(hello)).type, 'message');
    const beta = await anthropicClient(gw).beta.messages.create({ ...hello, betas: ['interleaved-thinking-2025-05-14'] });
    assert.equal(beta.type, 'message');
  });
});

describe('bad input', () => {
  it('each is a 400 invalid_request_error naming the problem; nothing reaches an upstream or is charged; each gets its ledger row', async () => {
    const account = await gw.addAccount();
    const key = { 'x-api-key': account.apiKey };
    const upstreamCalls = gw.simulator!.stats().requests;
    const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: {} }] };
    const cases: Array<[unknown, RegExp]> = [
      [{ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }] }, /max_tokens/],
      [{ ...hello, messages: [{ role: 'assistant', content: 'Hello' }] }, /first message must use the "user" role/],
      [
        {
          ...hello,
          messages: [
            { role: 'user', content: 'Read' },
            toolUse,
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'x' }] },
          ],
        },
        /toolu_9/,
      ],
      [{ ...hello, messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }, /unknown content block type "video"/],
      [{ ...hello, max_tokens: 0 }, /max_tokens/],
      [{ ...hello, temperature: 1.5 }, /temperature/],
      [{ ...hello, thinking: { type: 'enabled', budget_tokens: 10 } }, /budget_tokens/],
      [{ ...hello, presence_penalty: 1 }, /presence_penalty.*Extra inputs/],
      [{ ...hello, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, /server tools are billed per use/],
      [{ ...hello, speed: 'fast' }, /fast mode/],
      [{ ...hello, model: 'text-embedding-3-small' }, /embedding model/],
      ['{"model": "gpt-5", ', /not valid JSON/],
      [`${'['.repeat(100)}${']'.repeat(100)}`, /nested more than/],
    ];
    for (const [body, message] of cases) assertAnthropicError(await post('/v1/messages', body, key), 400, 'invalid_request_error', message);
    assert.equal(gw.simulator!.stats().requests, upstreamCalls, 'a refused request reached an upstream');
    const rows = await ledgerRows(gw, account.accountId, cases.length);
    assert.equal(rows.length, cases.length);
    assert.ok(
      rows.every((r) => r.endpoint === 'messages' && r.status === 400 && r.costUsd === 0 && r.promptTokens === 0),
      JSON.stringify(rows),
    );
  });

  it('the SDK surfaces them as BadRequestError, streaming or not', async () => {
    const client = anthropicClient(gw);
    const params = { ...hello, messages: [{ role: 'assistant' as const, content: 'Hello' }] };
    assert.ok((await anthropicError(client.messages.create(params))) instanceof Anthropic.BadRequestError);
    assert.ok((await anthropicError(client.messages.stream(params).finalMessage())) instanceof Anthropic.BadRequestError);
  });

  it('a body over the size limit is a 413 request_too_large', async () => {
    const huge = JSON.stringify({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }] });
    assertAnthropicError(await post('/v1/messages', huge), 413, 'request_too_large');
  });

  it('an unknown model is a 404 not_found_error naming it, as Anthropic answers', async () => {
    const answer = await post('/v1/messages', { ...hello, model: 'claude-opus-9' });
    assertAnthropicError(answer, 404, 'not_found_error', /claude-opus-9/);
    const error = await anthropicError(anthropicClient(gw).messages.create({ ...hello, model: 'claude-opus-9' }));
    assert.ok(error instanceof Anthropic.NotFoundError);
    assertAnthropicError(await post('/v1/messages/count_tokens', { model: 'claude-opus-9', messages: hello.messages }), 404, 'not_found_error');
  });

  it('a tool only Claude runs, or a document at a URL, is refused for other models and sent to Claude', async () => {
    const bash = { ...hello, tools: [{ type: 'bash_20250124', name: 'bash' }] };
    assertAnthropicError(await post('/v1/messages', { ...bash, model: 'gpt-5' }), 400, 'invalid_request_error', /only Claude models run/);
    assertAnthropicError(await post('/v1/messages', { ...bash, model: 'auto' }), 400, 'invalid_request_error', /only Claude models run/);
    assert.equal((await post('/v1/messages', bash)).status, 200);
  });
});

describe('limits', () => {
  it('over rpm: a 429 rate_limit_error with retry-after and the X-RateLimit headers', async () => {
    const account = await gw.addAccount({ rpm: 2 });
    const key = { 'x-api-key': account.apiKey };
    assert.equal((await post('/v1/messages', hello, key)).status, 200);
    assert.equal((await post('/v1/messages/count_tokens', { model: hello.model, messages: hello.messages }, key)).status, 200);
    const limited = await post('/v1/messages', hello, key);
    assertAnthropicError(limited, 429, 'rate_limit_error', /requests per minute/);
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(limited.headers.get('x-ratelimit-limit'), '2');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    const error = await anthropicError(anthropicClient(gw, account.apiKey).messages.create(hello));
    assert.ok(error instanceof Anthropic.RateLimitError);
  });

  it("a key's spend cap is a 402 billing_error before any upstream call, uncharged, with its ledger row", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    const upstreamCalls = gw.simulator!.stats().requests;
    const answer = await post('/v1/messages', hello, { 'x-api-key': account.apiKey });
    assertAnthropicError(answer, 402, 'billing_error', /spend cap/);
    assert.match(answer.headers.get('x-ratelimit-limit') ?? '', /^\d+$/);
    const error = await anthropicError(anthropicClient(gw, account.apiKey).messages.create(hello));
    assert.equal(error.status, 402);
    assert.equal(gw.simulator!.stats().requests, upstreamCalls);
    const rows = await ledgerRows(gw, account.accountId, 2);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.status, r.errorCode, r.costUsd]),
      [
        ['messages', 402, 'quota_exceeded', 0],
        ['messages', 402, 'quota_exceeded', 0],
      ],
    );
  });

  it("BYOK: the account's own Anthropic key answers, the row is BYOK, and the key's tiny cap does not apply", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    await gw.credentials.add(account.accountId, 'anthropic', `sk-ant-${'z'.repeat(24)}MINE`);
    const message = await anthropicClient(gw, account.apiKey).messages.create(hello);
    assert.equal(message.model, 'claude-sonnet-4.5');
    assert.ok(gw.simulator!.stats().keyTails['claude-sonnet-4-5']?.includes('MINE'), 'the upstream saw the account key');
    const rows = await ledgerRows(gw, account.accountId, 1);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.routedModel, r.byok, r.status]),
      [['messages', 'claude-sonnet-4.5', 1, 200]],
    );
  });
});

describe('failures after the first event', () => {
  const cases: Array<[string, string]> = [
    ['claude-haiku-4.5', 'claude-haiku-4-5'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
  ];
  for (const [model, upstream] of cases) {
    it(`${model}: the stream ends with an error event in Anthropic's shape, which the SDK throws`, async () => {
      gw.simulator!.setKnobs(upstream, { midStreamError: true });
      try {
        const response = await fetch(`${gw.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': gw.apiKey },
          body: JSON.stringify({ ...hello, model, stream: true }),
        });
        assert.equal(response.status, 200);
        const text = await response.text();
        assert.ok(text.startsWith('event: message_start\n'), text.slice(0, 80));
        const last = text.trim().split('\n\n').at(-1) ?? '';
        assert.match(last, /^event: error\ndata: \{"type":"error","error":\{"type":"(overloaded_error|api_error)","message":/);
        const error = await anthropicError(
          anthropicClient(gw)
            .messages.stream({ ...hello, model })
            .finalMessage(),
        );
        assert.ok(error.message.length > 0);
      } finally {
        gw.simulator!.setKnobs(upstream, { midStreamError: false });
      }
    });
  }
});

describe('mutated bodies', () => {
  /** A valid body with most of what the door checks: blocks of each kind, a tool round trip, thinking, tools. */
  const valid = {
    model: 'claude-sonnet-4.5',
    max_tokens: 64,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read a' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'body' }] }] },
    ],
    tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    tool_choice: { type: 'auto' },
    stop_sequences: ['END'],
  };
  const ODD_VALUES: unknown[] = [null, 0, -1, 1.5, 1e308, '', 'x', 'tool_result', true, [], [null], {}, { type: 'text' }, { type: 'thinking' }];

  /** Every path into `value` (object keys and array indexes). */
  function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    if (typeof value !== 'object' || value === null) return [prefix];
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
    return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
  }

  it("answer 200 or a 4xx in Anthropic's shape, never a 500", async () => {
    const random = createSeededRandom(0x18a);
    const all = paths(valid).filter((path) => path.length > 0);
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const body = structuredClone(valid) as Record<string, unknown>;
      const path = all[Math.floor(random() * all.length)] ?? ['model'];
      let parent: unknown = body;
      for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
      const last = path.at(-1) as string | number;
      const holder = parent as Record<string | number, unknown>;
      if (random() < 0.2) delete holder[last];
      else holder[last] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
      const answer = await post('/v1/messages', body);
      assert.ok(answer.status < 500, `${JSON.stringify(path)} → ${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status !== 200) assertAnthropicError(answer, answer.status, answer.body.error?.type ?? '');
      statuses.add(answer.status);
    }
    assert.ok(statuses.has(200) && statuses.has(400), [...statuses].join(', '));
  });
});
