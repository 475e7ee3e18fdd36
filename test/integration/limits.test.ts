/**
 * Plans, rate limits, spend caps and the usage ledger through the official openai SDK (issue 5, "Tests and
 * figures"): the 61st request in a minute, the 6th concurrent stream, leases after aborted streams, spend caps
 * under concurrency, ledger sums against what clients saw, and the ledger surviving a graceful close.
 *
 * No test waits for a window to pass: rpm is exercised by sending 61 requests at once-ish, concurrency by slow
 * simulated streams (the simulator's `tokensPerSecond` knob, set per upstream model so tests do not interfere).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { SimulatorKnobs } from '../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the limits tests please' },
];

/** `usage` as the gateway returns it: OpenAI's counts plus `cost_usd`. */
interface GatewayUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

function costOf(usage: OpenAI.CompletionUsage | null | undefined): number {
  const cost = (usage as unknown as GatewayUsage | null | undefined)?.cost_usd;
  assert.equal(typeof cost, 'number', 'usage.cost_usd is missing');
  return cost as number;
}

function setKnobs(model: string, knobs: Partial<SimulatorKnobs>): void {
  assert.ok(gw.simulator, 'the test gateway runs the simulator');
  gw.simulator.setKnobs(model, knobs);
}

/** The rate-limit headers of a response, checked to be present and whole numbers. */
interface LimitHeaders {
  limit: number;
  remaining: number;
  reset: number;
  limitTokens: number;
  remainingTokens: number;
}

function limitHeaders(headers: Headers | undefined): LimitHeaders {
  assert.ok(headers, 'no response headers');
  const int = (name: string): number => {
    const value = headers.get(name);
    assert.match(value ?? '', /^\d+$/, `${name} should be a whole number, got ${String(value)}`);
    return Number(value);
  };
  return {
    limit: int('x-ratelimit-limit'),
    remaining: int('x-ratelimit-remaining'),
    reset: int('x-ratelimit-reset'),
    limitTokens: int('x-ratelimit-limit-tokens'),
    remainingTokens: int('x-ratelimit-remaining-tokens'),
  };
}

/** The SDK's error for a promise expected to fail with an HTTP error. */
async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

function post(apiKey: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('requests per minute (plan free: 60)', () => {
  it('admits 60 with the headers counting down, then answers 429 rate_limit_exceeded with Retry-After', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const client = account.client();
    const seen: LimitHeaders[] = [];
    for (let i = 0; i < 60; i++) {
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 8 }).withResponse();
      assert.equal(response.status, 200);
      assert.ok(data.choices[0]?.message.content);
      seen.push(limitHeaders(response.headers));
    }
    assert.deepEqual(
      seen.map((h) => h.remaining),
      Array.from({ length: 60 }, (_, i) => 59 - i),
    );
    for (const h of seen) {
      assert.equal(h.limit, 60);
      assert.equal(h.limitTokens, 150_000);
      assert.ok(h.reset >= 1 && h.reset <= 60, `reset ${h.reset}`);
      assert.ok(h.remainingTokens < 150_000);
    }
    const tokens = seen.map((h) => h.remainingTokens);
    assert.ok(
      tokens.every((t, i) => i === 0 || t < (tokens[i - 1] as number)),
      `remaining tokens should fall: ${tokens.join(',')}`,
    );

    const error = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 8 }));
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.type, 'rate_limit_error');
    assert.match(error.message, /60 requests per minute on plan free/);
    const retryAfter = Number(error.headers?.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(error.headers?.get('retry-after'))}`);
    const rejected = limitHeaders(error.headers);
    assert.deepEqual(
      { limit: rejected.limit, remaining: rejected.remaining, limitTokens: rejected.limitTokens },
      { limit: 60, remaining: 0, limitTokens: 150_000 },
    );
    assert.ok(rejected.reset >= 1 && rejected.reset <= 60 && rejected.reset <= retryAfter, `reset ${rejected.reset}, retry-after ${retryAfter}`);

    // A rejected request uses no rpm: a stream asked for now is refused the same way, with the same headers.
    const raw = await post(account.apiKey, { model: 'gpt-4o-mini', messages, stream: true });
    assert.equal(raw.status, 429);
    assert.match(raw.headers.get('retry-after') ?? '', /^([1-9]|[1-5][0-9]|60)$/);
    assert.match(raw.headers.get('x-request-id') ?? '', /^req_/);
    assert.equal(limitHeaders(raw.headers).remaining, 0);
    const body = (await raw.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, 'rate_limit_exceeded');

    const rows = await ledgerRows(gw, account.accountId, 62);
    assert.equal(rows.length, 62, 'one ledger row per request, rejected ones included');
    assert.equal(rows.filter((r) => r.status === 200).length, 60);
    assert.deepEqual(
      rows.filter((r) => r.status === 429).map((r) => [r.errorCode, r.costUsd]),
      [
        ['rate_limit_exceeded', 0],
        ['rate_limit_exceeded', 0],
      ],
    );
  });
});

describe('rate-limit headers on errors', () => {
  it('every /v1 response of an account carries them: 400s before admission, upstream failures after it', async () => {
    setKnobs('grok-4', { errorRate: 1, errorStatus: 500 });
    const account = await gw.addAccount({ plan: 'free' });
    const cases: Array<{ name: string; body: Record<string, unknown>; status: number; counted: boolean; row: boolean }> = [
      { name: 'schema violation', body: { model: 'gpt-4o-mini' }, status: 400, counted: true, row: true },
      {
        name: 'temperature and top_p',
        body: { model: 'gpt-4o-mini', messages, temperature: 0.5, top_p: 0.5 },
        status: 400,
        counted: true,
        row: true,
      },
      { name: 'unknown model', body: { model: 'no-such-model', messages }, status: 400, counted: true, row: true },
      { name: 'upstream 500', body: { model: 'grok-4', messages, max_tokens: 8 }, status: 0, counted: true, row: true },
      { name: 'upstream 500, stream', body: { model: 'grok-4', messages, max_tokens: 8, stream: true }, status: 0, counted: true, row: true },
      { name: 'success', body: { model: 'gpt-4o-mini', messages, max_tokens: 8 }, status: 200, counted: true, row: true },
    ];
    let remaining = 60;
    for (const c of cases) {
      const response = await post(account.apiKey, c.body);
      if (c.status !== 0) assert.equal(response.status, c.status, c.name);
      else assert.ok(response.status >= 500, `${c.name}: ${response.status}`);
      await response.arrayBuffer();
      const headers = limitHeaders(response.headers);
      if (c.counted) remaining -= 1;
      assert.equal(headers.limit, 60, c.name);
      assert.equal(headers.remaining, remaining, `${c.name}: bad input counts against rpm like an admitted request`);
    }
    const rows = await ledgerRows(gw, account.accountId, cases.filter((c) => c.row).length);
    assert.equal(rows.length, cases.filter((c) => c.row).length);
    assert.deepEqual(rows.map((r) => r.costUsd).filter((cost) => cost > 0).length, 1, 'only the success costs anything');
  });
});

describe('bodies refused before the handler', () => {
  it('malformed JSON and an unsupported content type: an OpenAI error, the rate-limit headers and one ledger row each', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const cases = [
      { body: '{"model": "gpt-4o-mini", "messages": [', type: 'application/json', status: 400 },
      { body: '<chat/>', type: 'application/xml', status: 415 },
    ];
    const requestIds: string[] = [];
    for (const c of cases) {
      const response = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.apiKey}`, 'content-type': c.type },
        body: c.body,
      });
      assert.equal(response.status, c.status);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'invalid_request');
      assert.equal(limitHeaders(response.headers).limit, 60);
      requestIds.push(response.headers.get('x-request-id') ?? '');
    }
    const rows = await ledgerRows(gw, account.accountId, cases.length);
    assert.deepEqual(
      rows.map((r) => [r.requestId, r.status, r.errorCode, r.costUsd]).sort(),
      cases.map((c, i) => [requestIds[i], c.status, 'invalid_request', 0]).sort(),
    );
  });
});

describe('concurrency (plan free: 5)', () => {
  const SLOW = 'gpt-4.1';

  it('5 concurrent slow streams succeed and a 6th is 429 naming concurrency', async () => {
    setKnobs(SLOW, { tokensPerSecond: 25, outputTokens: 25 });
    const account = await gw.addAccount({ plan: 'free' });
    const client = account.client();
    const request = { model: SLOW, messages, stream: true as const, stream_options: { include_usage: true } };
    // The SDK resolves once the response headers are in, which the gateway sends after admission and the first chunk.
    const open = await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create(request).withResponse()));
    for (const { response } of open) assert.equal(response.status, 200);

    const sixth = await post(account.apiKey, request);
    assert.equal(sixth.status, 429);
    assert.equal(sixth.headers.get('retry-after'), '1');
    const headers = limitHeaders(sixth.headers);
    assert.equal(headers.limit, 60);
    assert.equal(headers.remaining, 55, 'the 6th used no rpm');
    const body = (await sixth.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limit_exceeded');
    assert.match(body.error.message, /Concurrency limit reached: 5 requests in flight on plan free/);
    const viaSdk = await apiError(client.chat.completions.create(request));
    assert.equal(viaSdk.status, 429);
    assert.match(viaSdk.message, /[Cc]oncurrency/);

    for (const { data: stream } of open) {
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      assert.equal(chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null).length, 1);
      assert.ok(costOf(chunks.at(-1)?.usage) > 0);
    }
    // Finished streams gave their slots back.
    const again = await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create({ ...request, stream: false, max_tokens: 4 })));
    assert.equal(again.length, 5);
  });
});

describe('leases after aborted streams', () => {
  const SLOW = 'gpt-5-nano';
  const STALLED = 'gpt-5-mini';

  it('after 200 client aborts mid-stream (and 20 before the first byte) all 5 slots are free again', async () => {
    // 5 s streams: an abort a few chunks in cannot be outrun by the stream finishing on its own.
    setKnobs(SLOW, { tokensPerSecond: 80, outputTokens: 400 });
    setKnobs(STALLED, { latencyMs: 30_000 });
    const account = await gw.addAccount({ plan: 'free', rpm: 100_000 });
    const client = account.client();

    // Mid-stream: 5 at a time, each reads 0–3 chunks after the headers and aborts. A worker that comes back
    // before the gateway noticed its previous abort can be refused for concurrency; it retries, and the
    // refusals are counted (they are ledger rows too, up to the key's refused-row budget of 60 a minute).
    let aborted = 0;
    let refused = 0;
    const abortOne = async (index: number): Promise<void> => {
      for (;;) {
        const controller = new AbortController();
        let stream: AsyncIterable<OpenAI.ChatCompletionChunk>;
        try {
          stream = await client.chat.completions.create({ model: SLOW, messages, stream: true, max_tokens: 400 }, { signal: controller.signal });
        } catch (error) {
          assert.ok(error instanceof OpenAI.APIError && error.status === 429, `unexpected ${String(error)}`);
          assert.match(error.message, /Concurrency limit/);
          refused += 1;
          await sleep(5);
          continue;
        }
        let read = 0;
        const wanted = index % 4;
        if (wanted > 0) {
          for await (const chunk of stream) {
            assert.equal(chunk.choices[0]?.finish_reason ?? null, null, 'the stream should still be running');
            if (++read >= wanted) break;
          }
        }
        controller.abort();
        aborted += 1;
        return;
      }
    };
    await mapLimit(
      Array.from({ length: 200 }, (_, i) => i),
      5,
      (_, i) => abortOne(i),
    );
    assert.equal(aborted, 200);
    const refusedRows = (await ledgerRows(gw, account.accountId, 200 + Math.min(refused, 60))).length - 200;
    assert.ok(refusedRows >= Math.min(refused, 60) && refusedRows <= refused, `${refusedRows} rows for ${refused} refusals`);

    // Before the first byte: the gateway has admitted the request and is waiting on a stalled upstream.
    const simulator = gw.simulator;
    assert.ok(simulator);
    for (let round = 0; round < 4; round++) {
      const reached: number = simulator.stats().byModel[STALLED] ?? 0;
      const controllers = Array.from({ length: 5 }, () => new AbortController());
      const pending = controllers.map((controller) =>
        client.chat.completions.create({ model: STALLED, messages, stream: true }, { signal: controller.signal }).then(
          () => assert.fail('a stalled stream answered'),
          (error: unknown) => assert.ok(error instanceof OpenAI.APIUserAbortError, `unexpected ${String(error)}`),
        ),
      );
      const deadline = Date.now() + 10_000;
      while ((simulator.stats().byModel[STALLED] ?? 0) < reached + 5 && Date.now() < deadline) await sleep(5);
      assert.equal(simulator.stats().byModel[STALLED], reached + 5, 'all 5 reached the upstream');
      for (const controller of controllers) controller.abort();
      await Promise.all(pending);
      // Wait for the gateway to settle this round, so the next one is not refused for concurrency.
      const rows = await ledgerRows(gw, account.accountId, 200 + refusedRows + 5 * (round + 1));
      assert.equal(rows.length, 200 + refusedRows + 5 * (round + 1));
    }

    const rows = await ledgerRows(gw, account.accountId, 220 + refusedRows);
    assert.equal(rows.length, 220 + refusedRows, 'one ledger row per request');
    assert.equal(rows.filter((r) => r.status === 429).length, refusedRows);
    const midStream = rows.filter((r) => r.status === 200);
    assert.equal(midStream.length, 200);
    const codes = new Map<string, number>();
    for (const r of midStream) codes.set(String(r.errorCode), (codes.get(String(r.errorCode)) ?? 0) + 1);
    assert.deepEqual([...codes], [['client_closed_request', 200]], 'aborted streams are recorded as such');
    assert.equal(rows.filter((r) => r.status === 499 && r.errorCode === 'client_closed_request').length, 20);

    // All 5 slots are free: 5 new slow streams are admitted together, and a 6th is refused.
    const open = await Promise.all(
      Array.from({ length: 5 }, () => client.chat.completions.create({ model: SLOW, messages, stream: true, max_tokens: 30 })),
    );
    const sixth = await apiError(client.chat.completions.create({ model: SLOW, messages, stream: true, max_tokens: 30 }));
    assert.equal(sixth.status, 429);
    assert.match(sixth.message, /Concurrency limit reached: 5/);
    for (const stream of open) {
      let finished = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finished += 1;
      assert.equal(finished, 1);
    }
    console.log(
      `# aborts: 200 mid-stream + 20 before the first byte, ${refused} retries refused while a lease was still being released; leaked leases: 0`,
    );
  });
});

describe('spend caps', () => {
  const CAP_USD = 0.0002;

  it('a key with a tiny cap gets 402 quota_exceeded and the ledger shows no overspend', async () => {
    const account = await gw.addAccount({ keySpendCapUsd: CAP_USD });
    const client = account.client();
    const costs: number[] = [];
    let error: InstanceType<typeof OpenAI.APIError> | undefined;
    for (let i = 0; i < 500 && error === undefined; i++) {
      try {
        const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 16 });
        costs.push(costOf(completion.usage));
      } catch (reason) {
        error = await apiError(Promise.reject(reason));
      }
    }
    assert.ok(error, 'the cap was never reached');
    assert.ok(costs.length > 1, `only ${costs.length} requests fit under the cap`);
    assert.equal(error.status, 402);
    assert.equal(error.code, 'quota_exceeded');
    assert.match(error.message, /Monthly spend cap of \$0\.0002 on this key reached/);
    limitHeaders(error.headers);
    // Too small for even one request: refused before any upstream call.
    const tiny = await gw.addAccount({ keySpendCapUsd: 0.000001 });
    assert.equal((await apiError(tiny.client().chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 16 }))).status, 402);

    const rows = await ledgerRows(gw, account.accountId, costs.length + 1);
    assert.equal(rows.length, costs.length + 1);
    const ledgerCost = sum(rows.map((r) => r.costUsd));
    assert.ok(ledgerCost <= CAP_USD, `ledger ${ledgerCost} > cap ${CAP_USD}`);
    assert.ok(Math.abs(ledgerCost - sum(costs)) < 1e-12);
  });

  it('under 180 concurrent mixed requests neither a key cap nor an account cap is overspent', async () => {
    const keyCapped = await gw.addAccount({ keySpendCapUsd: CAP_USD });
    const accountCapped = await gw.addAccount({ monthlySpendCapUsd: CAP_USD });
    const secondKey = await accountCapped.addKey();
    const clients = [keyCapped.client(), accountCapped.client(), secondKey.client()];
    const models = ['gpt-4o-mini', 'claude-haiku-4.5', 'gemini-2.5-flash'];
    const outcomes = await Promise.all(
      Array.from({ length: 180 }, async (_, i) => {
        const client = clients[i % 3] as OpenAI;
        const model = models[Math.floor(i / 3) % 3] as string;
        try {
          if (i % 2 === 0) {
            const completion = await client.chat.completions.create({ model, messages, max_tokens: 16 });
            return { who: i % 3, status: 200, cost: costOf(completion.usage), message: '' };
          }
          const stream = await client.chat.completions.create({
            model,
            messages,
            max_tokens: 16,
            stream: true,
            stream_options: { include_usage: true },
          });
          let cost = 0;
          for await (const chunk of stream) if (chunk.usage) cost = costOf(chunk.usage);
          return { who: i % 3, status: 200, cost, message: '' };
        } catch (reason) {
          const error = await apiError(Promise.reject(reason));
          return { who: i % 3, status: error.status ?? 0, cost: 0, message: error.message };
        }
      }),
    );
    assert.deepEqual([...new Set(outcomes.map((o) => o.status))].sort(), [200, 402]);
    assert.ok(outcomes.filter((o) => o.who === 0 && o.status === 402).every((o) => /on this key/.test(o.message)));
    assert.ok(outcomes.filter((o) => o.who !== 0 && o.status === 402).every((o) => /on this account/.test(o.message)));

    for (const [accountId, whos] of [
      [keyCapped.accountId, [0]],
      [accountCapped.accountId, [1, 2]],
    ] as const) {
      const mine = outcomes.filter((o) => (whos as readonly number[]).includes(o.who));
      assert.ok(mine.some((o) => o.status === 200) && mine.some((o) => o.status === 402));
      const rows = await ledgerRows(gw, accountId, mine.length);
      assert.equal(rows.length, mine.length);
      const ledgerCost = sum(rows.map((r) => r.costUsd));
      assert.ok(ledgerCost <= CAP_USD, `ledger ${ledgerCost} > cap ${CAP_USD}`);
      assert.ok(Math.abs(ledgerCost - sum(mine.map((o) => o.cost))) < 1e-12);
      console.log(`# spend cap $${CAP_USD}: ${mine.filter((o) => o.status === 200).length} admitted, ledger $${ledgerCost.toFixed(9)}`);
    }
  });
});

describe('ledger reconciliation', () => {
  it('500 concurrent mixed requests: ledger rows = requests, ledger cost = what the clients saw', async () => {
    const account = await gw.addAccount({ plan: 'enterprise' });
    const client = account.client();
    const models = [
      'gpt-4o-mini',
      'claude-haiku-4.5',
      'gemini-2.5-flash',
      'deepseek-chat',
      'claude-sonnet-4.5',
      'gemini-2.5-flash-lite',
      'mistral-large',
    ];
    interface Seen {
      requestId: string;
      status: number;
      cost: number;
    }
    const seen = await mapLimit(
      Array.from({ length: 500 }, (_, i) => i),
      50,
      async (i): Promise<Seen> => {
        const model = i % 50 === 23 ? 'no-such-model' : (models[i % models.length] as string);
        const maxTokens = [undefined, 5, 30][i % 3];
        const sampling = i % 50 === 7 ? { temperature: 0.5, top_p: 0.5 } : {};
        const base = { model, messages, ...sampling, ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }) };
        try {
          if (Math.floor(i / 7) % 2 === 0) {
            const { data, response } = await client.chat.completions.create(base).withResponse();
            return { requestId: response.headers.get('x-request-id') ?? '', status: response.status, cost: costOf(data.usage) };
          }
          const { data, response } = await client.chat.completions
            .create({ ...base, stream: true, stream_options: { include_usage: true } })
            .withResponse();
          let cost: number | undefined;
          for await (const chunk of data) if (chunk.usage) cost = costOf(chunk.usage);
          assert.ok(cost !== undefined, 'no usage chunk');
          return { requestId: response.headers.get('x-request-id') ?? '', status: response.status, cost };
        } catch (reason) {
          const error = await apiError(Promise.reject(reason));
          return { requestId: error.headers?.get('x-request-id') ?? '', status: error.status ?? 0, cost: 0 };
        }
      },
    );
    const statuses = new Map<number, number>();
    for (const s of seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    assert.deepEqual([...statuses.keys()].sort(), [200, 400]);
    assert.equal(statuses.get(400), 20);
    assert.equal(new Set(seen.map((s) => s.requestId)).size, 500, 'every response carries its own x-request-id');

    const rows = await ledgerRows(gw, account.accountId, 500);
    assert.equal(rows.length, 500);
    const byRequest = new Map(rows.map((r) => [r.requestId, r]));
    for (const s of seen) {
      const row = byRequest.get(s.requestId);
      assert.ok(row, `no ledger row for ${s.requestId}`);
      assert.equal(row.status, s.status);
      assert.equal(row.costUsd, s.cost, `cost of ${s.requestId}`);
    }
    const clientSum = sum(seen.map((s) => s.cost));
    const ledgerSum = sum(rows.map((r) => r.costUsd));
    assert.ok(Math.abs(ledgerSum - clientSum) < 1e-8, `ledger ${ledgerSum} vs clients ${clientSum}`);
    console.log(
      `# 500 mixed requests: ledger rows ${rows.length}, ledger $${ledgerSum.toFixed(9)} vs clients $${clientSum.toFixed(9)} (diff ${Math.abs(ledgerSum - clientSum)})`,
    );
  });
});

describe('graceful close', () => {
  it('flushes every ledger row, in-flight streams included, before the store closes', async () => {
    const own = await startTestGateway();
    let closed = false;
    try {
      const client = own.client();
      assert.ok(own.simulator);
      own.simulator.setKnobs('gpt-4.1', { tokensPerSecond: 40, outputTokens: 20 });
      const costs = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const model = ['gpt-4o-mini', 'claude-haiku-4.5', 'gemini-2.5-flash'][i % 3] as string;
          if (i % 2 === 0) return costOf((await client.chat.completions.create({ model, messages, max_tokens: 10 })).usage);
          const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
          let cost = 0;
          for await (const chunk of stream) if (chunk.usage) cost = costOf(chunk.usage);
          return cost;
        }),
      );
      // Six slow streams are mid-flight when the gateway is told to close: it drains them before stopping.
      const slow = await Promise.all(
        Array.from({ length: 6 }, () =>
          client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } }),
        ),
      );
      const draining = slow.map(async (stream) => {
        let cost: number | undefined;
        for await (const chunk of stream) if (chunk.usage) cost = costOf(chunk.usage);
        assert.ok(cost !== undefined, 'an in-flight stream was cut before its usage chunk');
        return cost;
      });
      await own.close({ keepDataDir: true });
      closed = true;
      costs.push(...(await Promise.all(draining)));

      const reopened = own.openAnotherStore();
      try {
        const row = await reopened.db
          .selectFrom('usage')
          .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.sum<number>('costUsd').as('cost')])
          .executeTakeFirstOrThrow();
        assert.equal(Number(row.rows), 30);
        assert.ok(Math.abs(Number(row.cost) - sum(costs)) < 1e-8, `ledger ${row.cost} vs clients ${sum(costs)}`);
      } finally {
        await reopened.close();
      }
    } finally {
      if (!closed) await own.close({ keepDataDir: true });
      await own.removeData();
    }
  });
});
