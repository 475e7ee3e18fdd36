/**
 * The pipeline's accounting edges: an account's own provider keys (BYOK), spend caps that hold even when the
 * provider counts more prompt tokens than the gateway's tokenizer, failures after the first byte recorded as
 * failures, the overhead header and the Prometheus metrics.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});
afterEach(() => gw.simulator!.resetKnobs());

const messages = [{ role: 'user' as const, content: 'Hello there' }];

describe('BYOK', () => {
  it("uses the account's own provider key, marks the row BYOK and leaves spend caps alone", async () => {
    const account = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    await gw.credentials.add(account.accountId, 'anthropic', 'sk-ant-mine-0123456789abcdefWXYZ');
    const completion = await account.client().chat.completions.create({ model: 'claude-haiku-4.5', messages, max_tokens: 8 });
    assert.equal(completion.object, 'chat.completion');
    assert.ok(gw.simulator!.stats().keyTails['claude-haiku-4-5']?.includes('WXYZ'), 'the upstream saw the account key');
    // The same tiny cap refuses a provider without the account's key.
    await assert.rejects(account.client().chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 8 }), {
      status: 402,
      code: 'quota_exceeded',
    });
    const rows = await ledgerRows(gw, account.accountId, 2);
    assert.deepEqual(
      rows.map((r) => [r.routedModel, r.byok, r.status]),
      [
        ['claude-haiku-4.5', 1, 200],
        [null, 0, 402],
      ],
    );
  });

  it("an account's failing key does not open the circuit for everyone else", async () => {
    const account = await gw.addAccount();
    await gw.credentials.add(account.accountId, 'google', `AIza${'x'.repeat(35)}`);
    gw.simulator!.setKnobs('gemini-2.5-flash', { errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 6; i++) {
      await assert.rejects(account.client().chat.completions.create({ model: 'gemini-2.5-flash', messages }), { status: 503 });
    }
    gw.simulator!.resetKnobs();
    const other = await gw.client().chat.completions.create({ model: 'gemini-2.5-flash', messages });
    assert.equal(other.object, 'chat.completion', 'the circuit stayed closed for gateway-key traffic');
  });
});

describe('spend caps', () => {
  it('never pass the cap even when the provider counts more prompt tokens than the estimate', async () => {
    const cap = 0.0002;
    const account = await gw.addAccount({ keySpendCapUsd: cap });
    // 400 × "a" is ~57 o200k tokens but 103 for the simulator (like Anthropic's tokenizer).
    const prompt = [{ role: 'user' as const, content: 'a'.repeat(400) }];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => account.client().chat.completions.create({ model: 'claude-haiku-4.5', messages: prompt, max_tokens: 8 })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(refused.length > 0);
    for (const r of refused) assert.equal((r.reason as { status: number }).status, 402);
    const spent = (await ledgerRows(gw, account.accountId, results.length)).reduce((sum, r) => sum + r.costUsd, 0);
    assert.ok(spent <= cap, `spent ${spent} > cap ${cap}`);
  });
});

describe('failures after the first byte', () => {
  it('are recorded in the ledger with the failure status, not as a success', async () => {
    const account = await gw.addAccount();
    gw.simulator!.setKnobs('gpt-4o-mini', { midStreamError: true });
    const stream = await account.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // drain until the error event
      }
    });
    const [row] = await ledgerRows(gw, account.accountId, 1);
    assert.ok(row !== undefined && row.status >= 500, JSON.stringify(row));
    assert.notEqual(row.errorCode, null);
  });
});

describe('overhead header and metrics', () => {
  it('answers x-op-overhead-ms on JSON and streams, and counts requests and overhead at /metrics', async () => {
    const { response } = await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    const overhead = Number(response.headers.get('x-op-overhead-ms'));
    assert.ok(Number.isFinite(overhead) && overhead >= 0, String(response.headers.get('x-op-overhead-ms')));
    const { response: streamed } = await gw.client().chat.completions.create({ model: 'claude-haiku-4.5', messages, stream: true }).withResponse();
    assert.ok(Number(streamed.headers.get('x-op-overhead-ms')) >= 0);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /op_requests_total\{model="gpt-4o-mini",provider="openai",status="200"\} \d+/);
    assert.match(metrics, /op_gateway_overhead_seconds_count\{stream="false"\} \d+/);
    assert.match(metrics, /op_upstream_seconds_count\{provider="anthropic",model="claude-haiku-4.5"\} \d+/);
    assert.match(metrics, /op_process_resident_memory_bytes \d+/);
  });
});
