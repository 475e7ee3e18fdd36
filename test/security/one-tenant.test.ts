/**
 * Issue 13, findings 1–4: what one tenant sends must not stall the instance, open circuit breakers for everyone,
 * spend past a cap or hold more upstream calls than its plan allows, and an answer the gateway refuses to relay is
 * still paid for. Each test drives a real gateway (SQLite, the built-in simulator) over loopback.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { tokenizer } from '../../src/metering/tokenizer.js';
import { MODEL_PER_PROVIDER, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

const messages = [{ role: 'user', content: 'Say hello.' }];

function post(gw: TestGateway, apiKey: string, body: unknown, path = '/v1/chat/completions'): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('finding 1: no unbounded tokenizing before admission', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ account: { plan: 'free' } });
  });
  after(() => gw.close());

  for (const path of ['/v1/chat/completions', '/v1/routing/explain']) {
    it(`${path}: a 100 KB prompt without spaces and max_tokens 1e9 → the tokenizer sees at most tokenizerMaxChars, and it counts against rpm`, async () => {
      const account = await gw.addAccount({ plan: 'free' });
      const seen: number[] = [];
      const count = tokenizer.count.bind(tokenizer);
      const spy = mock.method(tokenizer, 'count', (text: string) => (seen.push(text.length), count(text)));
      try {
        const body = { model: 'auto', max_tokens: 1e9, messages: [{ role: 'user', content: 'a'.repeat(100_000) }] };
        const [big, health] = await Promise.all([post(gw, account.apiKey, body, path), fetch(`${gw.url}/health`)]);
        assert.equal(health.status, 200);
        assert.equal(big.status, 400, await big.clone().text());
        assert.match(await big.text(), /No model with a 1,000,\d{3},\d{3}-token context/);
        assert.equal(big.headers.get('x-ratelimit-remaining'), '59', 'the request was counted against rpm');
        const tokenized = seen.reduce((a, b) => a + b, 0);
        assert.ok(tokenized <= 32_768, `the tokenizer saw ${tokenized} characters`);
      } finally {
        spy.mock.restore();
      }
    });
  }

  it('a 200 KB prompt whose count decides the route is counted within the bound, and answered', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const seen: number[] = [];
    const count = tokenizer.count.bind(tokenizer);
    const spy = mock.method(tokenizer, 'count', (text: string) => (seen.push(text.length), count(text)));
    try {
      // 200,000 bytes may not fit the smallest context window (128,000 tokens), so routing must count it.
      const body = { model: 'auto', messages: [{ role: 'user', content: 'ab '.repeat(66_667) }] };
      const answer = await post(gw, account.apiKey, body);
      assert.equal(answer.status, 200, await answer.clone().text());
      const tokenized = seen.reduce((a, b) => a + b, 0);
      assert.ok(tokenized > 0 && tokenized <= 32_768, `the tokenizer saw ${tokenized} characters`);
    } finally {
      spy.mock.restore();
    }
  });
});

describe('finding 2: a tenant cannot open the circuit breakers for everyone', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  it('50 requests nested 6,000 deep → 400 each, no upstream call, and every provider still answers another account', async () => {
    const attacker = await gw.addAccount();
    const deep = `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`;
    const body = `{"model":"auto","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${deep}}}}`;
    const before = gw.simulator?.stats().requests ?? 0;
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(gw, attacker.apiKey, body)));
      for (const answer of answers) {
        assert.equal(answer.status, 400);
        const { error } = (await answer.json()) as { error: { message: string } };
        assert.match(error.message, /nested more than 64 levels/);
      }
    }
    assert.equal(gw.simulator?.stats().requests, before, 'nothing reached an upstream');
    const other = await gw.addAccount();
    for (const model of Object.values(MODEL_PER_PROVIDER)) {
      const answer = await post(gw, other.apiKey, { model, messages, max_tokens: 8 });
      assert.equal(answer.status, 200, `${model}: ${await answer.text()}`);
    }
  });
});

describe('finding 3: n choices are reserved and held in full', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());
  let own: TestGateway;
  before(async () => {
    own = await startTestGateway();
  });
  after(() => own.close());

  it('a $0.005 key cap is not exceeded with n: 128, natively (OpenAI) or fanned out (Anthropic)', async () => {
    const account = await gw.addAccount({ plan: 'enterprise', keySpendCapUsd: 0.005 });
    const bodies = [
      ...Array.from({ length: 6 }, () => ({ model: 'claude-opus-4.5', messages, n: 128, max_tokens: 1 })),
      ...Array.from({ length: 6 }, () => ({ model: 'gpt-4o-mini', messages, n: 128, max_tokens: 50 })),
    ];
    const answers = await Promise.all(bodies.map((body) => post(gw, account.apiKey, body)));
    const statuses = await Promise.all(answers.map(async (a) => (await a.arrayBuffer(), a.status)));
    assert.ok(
      statuses.every((s) => s === 200 || s === 402),
      statuses.join(),
    );
    assert.ok(statuses.includes(402), 'the cap refused some');
    const spent = (await ledgerRows(gw, account.accountId, bodies.length, { keyId: account.keyId })).reduce((sum, row) => sum + row.costUsd, 0);
    assert.ok(spent <= 0.005, `spent $${spent}`);
  });

  it('a free account (5 concurrent) never has more than 5 upstream calls in flight, and n above 5 on a fanned-out model is a 400', async () => {
    const account = await own.addAccount({ plan: 'free' });
    own.simulator?.setKnobs('claude-haiku-4-5', { latencyMs: 300 });
    const peakBefore = own.simulator?.stats().peakInFlight ?? 0;
    assert.equal(peakBefore, 0, 'no other traffic is in flight');
    const tooMany = await post(own, account.apiKey, { model: 'claude-haiku-4.5', messages, n: 6, max_tokens: 4 });
    assert.equal(tooMany.status, 400);
    assert.equal(((await tooMany.json()) as { error: { param: string } }).error.param, 'n');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post(own, account.apiKey, { model: 'claude-haiku-4.5', messages, n: 5, max_tokens: 4 })),
    );
    const statuses = await Promise.all(answers.map(async (a) => (await a.arrayBuffer(), a.status)));
    assert.ok(statuses.includes(200), statuses.join());
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      statuses.join(),
    );
    const peak = own.simulator?.stats().peakInFlight ?? 0;
    assert.equal(peak, 5, 'peak upstream calls in flight');
  });
});

describe('finding 4: an answer over the body cap is paid for, and not retried', () => {
  let upstream: Server;
  let calls = 0;
  let gw: TestGateway;
  before(async () => {
    // An OpenAI-format upstream whose answer is 9 MiB: over the gateway's 8 MiB cap.
    upstream = createServer((req, res) => {
      calls += 1;
      req.resume();
      const content = 'x'.repeat(9 * 1024 * 1024);
      const body = JSON.stringify({
        id: 'chatcmpl-big',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 1_179_648, total_tokens: 1_179_658 },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const { port } = upstream.address() as AddressInfo;
    gw = await startTestGateway((config) => {
      const openai = config.providers.openai;
      assert.ok(openai);
      config.providers.openai = { ...openai, baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test-upstream-key-0000000000' };
    });
  });
  after(async () => {
    await gw.close();
    upstream.close();
  });

  it('→ 502, one upstream call, the tenant charged for the output that arrived, the deployment not marked down', async () => {
    const account = await gw.addAccount();
    const answer = await post(gw, account.apiKey, { model: 'gpt-4o-mini', messages });
    assert.equal(answer.status, 502, await answer.clone().text());
    await answer.arrayBuffer();
    assert.equal(calls, 1, 'an over-cap answer is not retried');
    const [row] = await ledgerRows(gw, account.accountId, 1, { keyId: account.keyId });
    assert.ok(row !== undefined && row.status === 502);
    assert.ok(row.completionTokens >= (8 * 1024 * 1024) / 4, `charged ${row.completionTokens} output tokens`);
    assert.ok(row.costUsd > 1, `charged $${row.costUsd}`);
    // Five more (each from its own account: every one settles ~2M tokens against its tpm) would open the circuit if
    // the cap counted against the deployment; the sixth answer shows it did not.
    for (let i = 0; i < 5; i += 1) {
      const other = await gw.addAccount();
      const again = await post(gw, other.apiKey, { model: 'gpt-4o-mini', messages });
      assert.equal(again.status, 502, 'still the cap, not an open circuit (503)');
      await again.arrayBuffer();
    }
  });
});
