/**
 * `POST /v1/responses` (issue 17): what is refused, and how it is recorded. Each bad input is a 400 in OpenAI's
 * shape with `param` naming the field, refused before routing, admission and any upstream call, so nothing is
 * charged; each still gets its ledger row (endpoint `responses`) and counts against rpm. An unknown, another
 * account's and a deleted `previous_response_id` get the same answer. Then limits, spend caps, BYOK and the ledger as
 * for chat, and a full conversation store refused before anything is spent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';
import { validateOpenAI } from '../openai-schemas.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

async function post(apiKey: string, body: unknown): Promise<{ status: number; headers: Headers; body: ErrorBody }> {
  const response = await fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ErrorBody };
}

function assertRateLimitHeaders(headers: Headers | undefined): void {
  assert.ok(headers, 'no response headers');
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.match(headers.get(name) ?? '', /^\d+$/, `${name}: ${String(headers.get(name))}`);
  }
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

const weatherTool = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('bad input', () => {
  const cases: { name: string; body: Record<string, unknown>; param: string; code?: string; message: RegExp }[] = [
    {
      name: 'an unknown item type',
      body: { model: 'gpt-5', input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] },
      param: 'input[0].type',
      message: /input\[0\]\.type/,
    },
    {
      name: 'a function_call_output whose call_id matches no call',
      body: {
        model: 'claude-sonnet-4.5',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'function_call_output', call_id: 'call_nope', output: 'x' },
        ],
      },
      param: 'input[1].call_id',
      message: /No tool call found for function_call_output with call_id call_nope/,
    },
    {
      name: 'a function call left without its output',
      body: {
        model: 'gpt-5',
        input: [
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
          { role: 'user', content: 'and then?' },
        ],
        tools: [weatherTool],
      },
      param: 'input[1]',
      message: /No tool output found for function call call_1/,
    },
    {
      name: 'an unknown previous_response_id',
      body: { model: 'gpt-5', input: 'hi', previous_response_id: 'resp_nope' },
      param: 'previous_response_id',
      code: 'previous_response_not_found',
      message: /^Previous response with id 'resp_nope' not found\.$/,
    },
    {
      name: 'an unknown item_reference',
      body: { model: 'gpt-5', input: [{ type: 'item_reference', id: 'msg_nope' }] },
      param: 'input[0].id',
      message: /Item with id 'msg_nope' not found/,
    },
    {
      name: 'text.format json_schema without a schema',
      body: { model: 'gemini-2.5-flash', input: 'hi', text: { format: { type: 'json_schema', name: 'thing' } } },
      param: 'text.format.schema',
      message: /text\.format\.schema/,
    },
    {
      name: 'max_output_tokens below 16',
      body: { model: 'gpt-5', input: 'hi', max_output_tokens: 10 },
      param: 'max_output_tokens',
      message: />= 16/,
    },
    { name: 'background mode', body: { model: 'gpt-5', input: 'hi', background: true }, param: 'background', message: /background/ },
    {
      name: 'a file_id (it points into a provider account)',
      body: { model: 'gpt-5', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_123', detail: 'auto' }] }] },
      param: 'input[0].content[0].file_id',
      message: /file_id/,
    },
    {
      name: 'an image in a developer message',
      body: {
        model: 'gpt-5',
        input: [{ role: 'developer', content: [{ type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] }],
      },
      param: 'input[0].content[0]',
      message: /Only user messages/,
    },
    {
      name: 'a hosted tool as tool_choice',
      body: { model: 'claude-sonnet-4.5', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search_preview' } },
      param: 'tool_choice',
      message: /hosted tool/,
    },
    {
      name: 'a tool_choice naming no tool',
      body: { model: 'gpt-5', input: 'hi', tools: [weatherTool], tool_choice: { type: 'function', name: 'get_time' } },
      param: 'tool_choice.name',
      message: /get_time/,
    },
    {
      name: 'a service tier the catalog cannot price',
      body: { model: 'gpt-5', input: 'hi', service_tier: 'priority' },
      param: 'service_tier',
      message: /service_tier/,
    },
    { name: 'an empty input', body: { model: 'gpt-5', input: [] }, param: 'input', message: /empty/ },
    {
      name: 'two tools of one name',
      body: { model: 'gpt-5', input: 'hi', tools: [weatherTool, { type: 'custom', name: 'get_weather' }] },
      param: 'tools[1].name',
      message: /Duplicate tool name/,
    },
    { name: 'an unknown model', body: { model: 'gpt-9', input: 'hi' }, param: 'model', message: /gpt-9/ },
  ];

  it('each is a 400 in OpenAI shape naming the field; nothing reaches an upstream or is charged; each gets its ledger row', async () => {
    const account = await gw.addAccount();
    const upstreamCalls = gw.simulator!.stats().requests;
    for (const c of cases) {
      const { status, headers, body } = await post(account.apiKey, c.body);
      assert.equal(status, 400, `${c.name}: ${JSON.stringify(body)}`);
      validateOpenAI('ErrorResponse', body);
      assert.deepEqual(
        [body.error.type, body.error.code, body.error.param],
        ['invalid_request_error', c.code ?? 'invalid_request', c.param],
        `${c.name}: ${JSON.stringify(body)}`,
      );
      assert.match(body.error.message, c.message, c.name);
      assertRateLimitHeaders(headers);
    }
    assert.equal(gw.simulator!.stats().requests, upstreamCalls, 'a refused request reached an upstream');
    const rows = await ledgerRows(gw, account.accountId, cases.length);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.costUsd, r.routedModel]).sort(),
      cases.map(() => ['responses', 0, null]),
    );
    assert.deepEqual(rows.map((r) => r.requestedModel).sort(), cases.map((c) => c.body.model).sort());
    assert.equal((await gw.admission.monthly({ accountId: account.accountId })).spentUsd, 0);
  });

  it('a body that is not JSON is a 400 with its ledger row under responses', async () => {
    const account = await gw.addAccount();
    const response = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' },
      body: '{"model": "gpt-5", "input": ',
    });
    assert.equal(response.status, 400);
    validateOpenAI('ErrorResponse', await response.json());
    const rows = await ledgerRows(gw, account.accountId, 1);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.status, r.costUsd]),
      [['responses', 400, 0]],
    );
  });

  it("an unknown, another account's and a deleted previous_response_id get the same answer", async () => {
    const mine = await gw.addAccount();
    const theirs = await gw.addAccount();
    const kept = await theirs.client().responses.create({ model: 'gpt-5', input: 'their secret' });
    const deleted = await mine.client().responses.create({ model: 'gpt-5', input: 'gone soon' });
    await mine.client().responses.delete(deleted.id);
    const answers = [];
    for (const id of ['resp_0123456789abcdef0', kept.id, deleted.id]) {
      const { status, body } = await post(mine.apiKey, { model: 'gpt-5', input: 'continue', previous_response_id: id });
      answers.push({ status, body: JSON.stringify(body).replaceAll(id, '<id>') });
    }
    assert.equal(new Set(answers.map((answer) => JSON.stringify(answer))).size, 1, JSON.stringify(answers));
    assert.equal(answers[0]?.status, 400);
  });

  it('a broken chain (a deleted turn before the one continued) is refused the same way', async () => {
    const client = gw.client();
    const first = await client.responses.create({ model: 'gpt-5', input: 'one' });
    const second = await client.responses.create({ model: 'gpt-5', input: 'two', previous_response_id: first.id });
    await client.responses.delete(first.id);
    const error = await apiError(client.responses.create({ model: 'gpt-5', input: 'three', previous_response_id: second.id }));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'previous_response_not_found');
  });
});

describe('limits, ledger, spend caps and BYOK, as for chat', () => {
  it('a success carries X-RateLimit-* and writes a responses row with the cost the client was told', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const { data: json, response: first } = await account.client().responses.create({ model: 'claude-sonnet-4.5', input: 'hello' }).withResponse();
    const stream = account.client().responses.stream({ model: 'gemini-2.5-flash', input: 'hello' });
    const streamed = await stream.finalResponse();
    assertRateLimitHeaders(first.headers);
    assert.equal(first.headers.get('x-ratelimit-limit'), '60');
    const rows = await ledgerRows(gw, account.accountId, 2);
    const cost = (response: { usage?: unknown }): number => (response.usage as { cost_usd: number }).cost_usd;
    assert.deepEqual(rows.map((r) => [r.endpoint, r.status, r.routedModel, r.stream, r.costUsd]).sort(), [
      ['responses', 200, 'claude-sonnet-4.5', 0, cost(json)],
      ['responses', 200, 'gemini-2.5-flash', 1, cost(streamed)],
    ]);
  });

  it("a key's spend cap is a 402 before any upstream call, with its ledger row", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    const upstreamCalls = gw.simulator!.stats().requests;
    const error = await apiError(account.client().responses.create({ model: 'gpt-5', input: 'a'.repeat(2000) }));
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assertRateLimitHeaders(error.headers);
    assert.equal(gw.simulator!.stats().requests, upstreamCalls);
    const rows = await ledgerRows(gw, account.accountId, 1);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.status, r.errorCode, r.costUsd]),
      [['responses', 402, 'quota_exceeded', 0]],
    );
  });

  it("a free plan's rpm (60) is a 429 on the 61st request, refused bodies counted", async () => {
    const account = await gw.addAccount({ plan: 'free' });
    for (let i = 0; i < 30; i++) await account.client().responses.create({ model: 'gpt-5-nano', input: `request ${i}`, store: false });
    for (let i = 0; i < 30; i++) assert.equal((await post(account.apiKey, { model: 'gpt-5-nano', input: [] })).status, 400);
    const error = await apiError(account.client().responses.create({ model: 'gpt-5-nano', input: 'one too many' }));
    assert.equal(error.status, 429);
    assert.equal(error.headers?.get('x-ratelimit-remaining'), '0');
  });

  it("BYOK: the account's own provider key answers and the row says so", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    await gw.credentials.add(account.accountId, 'anthropic', `sk-ant-mine-${'z'.repeat(40)}`);
    const response = await account.client().responses.create({ model: 'claude-sonnet-4.5', input: 'a'.repeat(2000) });
    assert.equal(response.status, 'completed');
    const rows = await ledgerRows(gw, account.accountId, 1);
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.status, r.byok]),
      [['responses', 200, 1]],
    );
  });
});

describe('a full conversation store', () => {
  const CAP = 1024 * 1024;
  let small: TestGateway;
  before(async () => {
    small = await startTestGateway((config) => {
      config.responses.maxStoredBytesPerAccount = CAP;
    });
  });
  after(async () => {
    await small.close();
  });

  it('is a 400 naming `store` before anything is spent; store: false still answers', async () => {
    // Fill the account to its cap exactly: a stored response weighs 512 bytes plus its JSON.
    const filler = { x: '' };
    filler.x = 'a'.repeat(CAP - 512 - JSON.stringify(filler).length);
    await small.responseStore.save({
      id: 'resp_filler',
      accountId: small.accountId,
      createdAt: Math.floor(Date.now() / 1000),
      previousResponseId: null,
      input: [],
      output: [],
      response: filler,
    });
    const upstreamCalls = small.simulator!.stats().requests;
    const error = await apiError(small.client().responses.create({ model: 'gpt-5', input: 'hello' }));
    assert.equal(error.status, 400);
    assert.equal((error.error as ErrorBody['error']).param, 'store');
    assert.equal(small.simulator!.stats().requests, upstreamCalls, 'the refused request reached the upstream');
    const unstored = await small.client().responses.create({ model: 'gpt-5', input: 'hello', store: false });
    assert.equal(unstored.status, 'completed');
    const rows = await ledgerRows(small, small.accountId, 2);
    assert.deepEqual(rows.map((r) => [r.status, r.errorCode, r.costUsd > 0]).sort(), [
      [200, null, true],
      [400, 'invalid_request', false],
    ]);
  });

  it('refuses, before the upstream call, a turn whose input alone would not fit', async () => {
    const account = await small.addAccount();
    const kept = await account.client().responses.create({ model: 'gpt-5', input: 'word '.repeat(120 * 1024) });
    assert.equal(kept.status, 'completed');
    const upstreamCalls = small.simulator!.stats().requests;
    const error = await apiError(account.client().responses.create({ model: 'gpt-5', input: 'more '.repeat(120 * 1024) }));
    assert.equal((error.error as ErrorBody['error']).param, 'store');
    assert.equal(small.simulator!.stats().requests, upstreamCalls, 'the refused request reached the upstream');
    const fits = await account.client().responses.create({ model: 'gpt-5', input: 'a short one' });
    assert.equal(fits.status, 'completed');
  });
});
