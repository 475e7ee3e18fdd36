/**
 * Parameters that change what the provider bills (issue 13, finding 7), end to end. The `openai` provider points at
 * a loopback upstream that records every body it receives:
 * - each parameter billed beyond the catalog's token prices (a service tier other than auto/default, audio output
 *   or input, web search, xAI live search) is a 400 naming it, on every wire format, before any upstream call, and
 *   its ledger rows cost nothing;
 * - what is priced through reported tokens still passes (`service_tier: "auto"`, `modalities: ["text"]`);
 * - `store: true` on the gateway's key reaches the upstream as `store: false` (JSON and stream); with the account's
 *   own key (BYOK) it passes through as sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFaultUpstream, answerOpenAI, type FaultRequest, type FaultUpstream } from '../reliability/fault-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';
import { validateOpenAI } from '../openai-schemas.js';

let gw: TestGateway;
let upstream: FaultUpstream;
/** Bodies and credentials the upstream received, in order. */
const received: FaultRequest[] = [];

before(async () => {
  upstream = await startFaultUpstream();
  upstream.handler = (req, res) => {
    received.push(req);
    answerOpenAI(req, res);
  };
  gw = await startTestGateway((config) => {
    config.providers.openai = { ...config.providers.openai!, apiKey: 'sk-gateway-0123456789abcdefghij', baseUrl: `${upstream.url}/v1` };
  });
});
after(async () => {
  await gw.close();
  await upstream.close();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(apiKey: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const hello = [{ role: 'user', content: 'hello' }];
const audioPart = { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } };

/** Each refused request and the `param` its 400 names. */
const REFUSED: ReadonlyArray<[string, Record<string, unknown>, string]> = [
  ['service_tier "priority"', { service_tier: 'priority' }, 'service_tier'],
  ['service_tier "flex"', { service_tier: 'flex' }, 'service_tier'],
  ['service_tier "scale"', { service_tier: 'scale' }, 'service_tier'],
  ['modalities with audio', { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }, 'modalities'],
  ['audio output settings', { audio: { voice: 'alloy', format: 'wav' } }, 'audio'],
  ['web_search_options', { web_search_options: { search_context_size: 'low' } }, 'web_search_options'],
  ["xAI's search_parameters", { search_parameters: { mode: 'on' } }, 'search_parameters'],
  ['an input_audio part', { messages: [{ role: 'user', content: [{ type: 'text', text: 'listen' }, audioPart] }] }, 'messages[0].content[1]'],
];

describe('parameters billed beyond the catalog prices', () => {
  for (const [label, extra, param] of REFUSED) {
    it(`${label} → 400 naming \`${param}\`, on every wire format, with no upstream call and nothing spent`, async () => {
      const account = await gw.addAccount();
      const models = ['gpt-4o-mini', 'claude-haiku-4.5', 'gemini-2.5-flash', 'auto'];
      for (const model of models) {
        const upstreamBefore = upstream.requests;
        const simulatedBefore = gw.simulator!.stats().requests;
        for (const stream of [false, true]) {
          const { status, text } = await post(account.apiKey, { model, messages: hello, stream, ...extra });
          assert.equal(status, 400, `${model} stream=${stream}: ${text}`);
          const body = JSON.parse(text) as ErrorBody;
          validateOpenAI('ErrorResponse', body);
          assert.equal(body.error.code, 'invalid_request');
          assert.equal(body.error.param, param);
          assert.match(body.error.message, /not supported/);
        }
        assert.equal(upstream.requests, upstreamBefore, `${model}: the openai upstream was not called`);
        assert.equal(gw.simulator!.stats().requests, simulatedBefore, `${model}: no simulated upstream was called`);
      }
      const rows = await ledgerRows(gw, account.accountId, models.length * 2);
      assert.equal(rows.length, models.length * 2);
      for (const row of rows) {
        assert.equal(row.status, 400);
        assert.equal(row.errorCode, 'invalid_request');
        assert.equal(Number(row.costUsd), 0);
      }
    });
  }

  it('what is priced through reported tokens still passes: service_tier auto/default, modalities ["text"]', async () => {
    for (const extra of [
      { service_tier: 'auto' },
      { service_tier: 'default' },
      { modalities: ['text'] },
      { prediction: { type: 'content', content: 'hello' } },
    ]) {
      received.length = 0;
      const { status, text } = await post(gw.apiKey, { model: 'gpt-4o-mini', messages: hello, ...extra });
      assert.equal(status, 200, text);
      assert.equal(received.length, 1);
      for (const [field, value] of Object.entries(extra)) assert.deepEqual(received[0]!.json?.[field], value, field);
    }
  });
});

describe('store', () => {
  it("on the gateway's key, store: true reaches the upstream as store: false (JSON and stream)", async () => {
    for (const stream of [false, true]) {
      received.length = 0;
      const { status, text } = await post(gw.apiKey, { model: 'gpt-4o-mini', messages: hello, stream, store: true, metadata: { tag: 'x' } });
      assert.equal(status, 200, text);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.json?.store, false, `stream=${stream}`);
      assert.equal(received[0]!.headers.authorization, 'Bearer sk-gateway-0123456789abcdefghij');
    }
  });

  it("with the account's own OpenAI key (BYOK), store passes through as the tenant sent it", async () => {
    const tenant = await gw.addAccount();
    const tenantKey = 'sk-tenant-0123456789abcdefWXYZ';
    await gw.credentials.add(tenant.accountId, 'openai', tenantKey);
    for (const store of [true, false]) {
      received.length = 0;
      const { status, text } = await post(tenant.apiKey, { model: 'gpt-4o-mini', messages: hello, store });
      assert.equal(status, 200, text);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.headers.authorization, `Bearer ${tenantKey}`, 'the call used the tenant key');
      assert.equal(received[0]!.json?.store, store);
    }
  });
});
