/**
 * Prompt caching, priced (issue 18): two requests with the same `cache_control`-marked system prompt to a Claude
 * model through `/v1/messages` (the simulator caches by breakpoint, as Anthropic does) show the cache write, then the
 * cache read, in the answer, in the ledger row and in the cost — writes at 1.25× (5 minutes) or 2× (1 hour) the
 * input price, reads at 0.1×; and a cache read reported to a Chat Completions client lands in the ledger too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

/** claude-sonnet-4.5's catalog prices, USD per million tokens. */
const SONNET = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 };
/** 1,000 characters: the simulator counts 250 + 3 tokens for the system prompt. */
const LONG_SYSTEM = 'You answer questions about the weather. '.repeat(25);

interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  cost_usd: number;
}

let gw: TestGateway;

before(async () => {
  gw = await startTestGateway();
});
after(() => gw.close());

function priced(usage: AnthropicUsage): number {
  const writes1h = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const dollars =
    usage.input_tokens * SONNET.input +
    usage.cache_read_input_tokens * SONNET.cacheRead +
    (usage.cache_creation_input_tokens - writes1h) * SONNET.cacheWrite +
    writes1h * SONNET.cacheWrite1h +
    usage.output_tokens * SONNET.output;
  return Math.round((dollars / 1e6) * 1e9) / 1e9;
}

/** One `/v1/messages` call; a stream is read to its `message_delta` usage. */
async function send(apiKey: string, system: unknown, stream: boolean): Promise<{ usage: AnthropicUsage; requestId: string }> {
  const response = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 64, system, messages: [{ role: 'user', content: 'Rain in Paris?' }], stream }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const requestId = response.headers.get('x-request-id') ?? '';
  if (!stream) return { usage: ((await response.json()) as { usage: AnthropicUsage }).usage, requestId };
  const events = (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { type: string; usage?: AnthropicUsage });
  const delta = events.find((event) => event.type === 'message_delta');
  assert.ok(delta?.usage !== undefined);
  return { usage: delta.usage, requestId };
}

describe('prompt caching through /v1/messages, priced', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'JSON'}: a cache write, then a cache read, in the answer, the ledger and the cost`, async () => {
      const account = await gw.addAccount();
      const system = [{ type: 'text', text: `${LONG_SYSTEM}${stream ? 'S' : 'J'}`, cache_control: { type: 'ephemeral' } }];

      const first = await send(account.apiKey, system, stream);
      assert.equal(first.usage.cache_creation_input_tokens, 254);
      assert.equal(first.usage.cache_read_input_tokens, 0);
      assert.equal(first.usage.cost_usd, priced(first.usage));
      const second = await send(account.apiKey, system, stream);
      assert.equal(second.usage.cache_creation_input_tokens, 0);
      assert.equal(second.usage.cache_read_input_tokens, 254);
      assert.equal(second.usage.cost_usd, priced(second.usage));
      assert.ok(second.usage.cost_usd < first.usage.cost_usd, 'reading the cache costs less than writing it');

      for (const { usage, requestId } of [first, second]) {
        const [row] = await ledgerRows(gw, account.accountId, 1, { requestId });
        assert.ok(row, `no ledger row for ${requestId}`);
        assert.deepEqual(
          {
            prompt: Number(row.promptTokens),
            reads: Number(row.cacheReadTokens),
            writes: Number(row.cacheWriteTokens),
            cost: Number(row.costUsd),
            endpoint: row.endpoint,
          },
          {
            prompt: usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
            reads: usage.cache_read_input_tokens,
            writes: usage.cache_creation_input_tokens,
            cost: usage.cost_usd,
            endpoint: 'messages',
          },
        );
      }
      const monthly = await gw.admission.monthly({ accountId: account.accountId });
      assert.equal(Math.round(monthly.spentUsd * 1e9), Math.round((first.usage.cost_usd + second.usage.cost_usd) * 1e9));
    });
  }

  it('one-hour writes are priced at twice the input price', async () => {
    const account = await gw.addAccount();
    const system = [{ type: 'text', text: `${LONG_SYSTEM}H`, cache_control: { type: 'ephemeral', ttl: '1h' } }];
    const { usage } = await send(account.apiKey, system, false);
    assert.deepEqual(usage.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 254 });
    assert.equal(usage.cost_usd, priced(usage));
  });
});

describe('cache reads through /v1/chat/completions', () => {
  it('are reported as cached_tokens, priced at the cached price and kept in the ledger', async () => {
    gw.simulator?.setKnobs('claude-sonnet-4-5', { cachedPromptTokens: 5 });
    try {
      const account = await gw.addAccount();
      const completion = await account.client().chat.completions.create({
        model: 'claude-sonnet-4.5',
        messages: [{ role: 'user', content: 'How warm is it in Lisbon in May?' }],
      });
      const usage = completion.usage as typeof completion.usage & { cost_usd: number };
      assert.equal(usage?.prompt_tokens_details?.cached_tokens, 5);
      const expected = ((usage.prompt_tokens - 5) * SONNET.input + 5 * SONNET.cacheRead + usage.completion_tokens * SONNET.output) / 1e6;
      assert.equal(usage.cost_usd, Math.round(expected * 1e9) / 1e9);
      const [row] = await ledgerRows(gw, account.accountId, 1);
      assert.ok(row, 'no ledger row');
      assert.equal(Number(row.cacheReadTokens), 5);
      assert.equal(Number(row.cacheWriteTokens), 0);
    } finally {
      gw.simulator?.resetKnobs();
    }
  });
});
