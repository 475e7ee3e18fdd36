/**
 * The exact-match response cache (issue 19) against a started gateway: a request repeated with the cache on is
 * answered without an upstream call (the simulator's counters say so), with `x-op-cache: hit`, the original usage at
 * `cost_usd: 0` and the saved cost in `x-op-cache-saved-usd`, the ledger row and the dashboard API; it still counts
 * against rpm, and no tokens or spend are billed. JSON and streams hit each other's entries, every door answers a
 * hit in its own format (Chat Completions, Responses — stored like any turn — Messages, embeddings), another account
 * never hits, a refresh calls the model again, and errors or incomplete answers are never cached.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { anthropicClient } from '../helpers/messages.js';
import { DashboardClient } from '../helpers/dashboard-client.js';
import { startTestGateway, type TestAccount, type TestGateway } from '../helpers/gateway.js';
import { ledgerRows } from '../helpers/ledger.js';
import { validateOpenAI } from '../openai-schemas.js';
import { openAICompletion, startFaultUpstream, type FaultRequest, type FaultUpstream } from '../reliability/fault-upstream.js';

let gw: TestGateway;
let fault: FaultUpstream;
/** Bodies the scripted deepseek upstream received. */
const seenByFault: FaultRequest[] = [];

before(async () => {
  fault = await startFaultUpstream();
  gw = await startTestGateway({
    adjust: (config) => {
      config.providers.deepseek = { ...config.providers.deepseek!, apiKey: 'sk-fault-deepseek', baseUrl: `${fault.url}/v1` };
    },
  });
});
after(async () => {
  await gw.close();
  await fault.close();
});

/** Upstream calls the simulator has answered so far. */
function upstreamCalls(): number {
  return gw.simulator?.stats().requests ?? 0;
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One POST to the gateway with `apiKey` as bearer; the body parsed when it is JSON. */
async function post<T = Record<string, unknown>>(
  path: string,
  apiKey: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (undefined as T);
  return { status: response.status, headers: response.headers, body: json, text };
}

/** The `data:` payloads of an SSE body, `[DONE]` left out. */
function sseData(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

interface ChatBody {
  id: string;
  model: string;
  choices: { message: { content: string | null } }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost_usd: number };
}

const CACHE_ON = { 'x-op-cache-ttl': '300' };

describe('Chat Completions', () => {
  it('answers an identical request from the cache: no upstream call, cost 0, the saving in the header, ledger and dashboard', async () => {
    const account = await gw.addAccount({ password: 'correct horse battery', rpm: 1000 });
    const client = account.client();
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Cache me if you can' }], temperature: 0 };
    const calls = upstreamCalls();
    const first = await client.chat.completions.create(params, { headers: CACHE_ON }).withResponse();
    assert.equal(first.response.headers.get('x-op-cache'), 'miss');
    assert.equal(upstreamCalls(), calls + 1);
    const second = await client.chat.completions.create(params, { headers: CACHE_ON }).withResponse();
    assert.equal(upstreamCalls(), calls + 1, 'the hit made no upstream call');
    validateOpenAI('CreateChatCompletionResponse', second.data);

    const headers = second.response.headers;
    assert.equal(headers.get('x-op-cache'), 'hit');
    assert.equal(headers.get('x-op-model'), 'gpt-4o-mini');
    assert.equal(headers.get('x-op-attempts'), '0');
    const original = first.data.usage as unknown as ChatBody['usage'];
    const replayed = second.data.usage as unknown as ChatBody['usage'];
    assert.ok(original.cost_usd > 0);
    assert.equal(Number(headers.get('x-op-cache-saved-usd')), original.cost_usd);
    assert.deepEqual(replayed, { ...original, cost_usd: 0 });
    assert.deepEqual(second.data.choices, first.data.choices);
    assert.notEqual(second.data.id, first.data.id, 'a hit is a new response');
    assert.ok(!('native' in second.data) && !('cache' in second.data));
    // The hit counted against rpm like any request.
    const remaining = (response: Response): number => Number(response.headers.get('x-ratelimit-remaining'));
    assert.equal(remaining(second.response), remaining(first.response) - 1);

    const [missRow, hitRow] = await ledgerRows(gw, account.accountId, 2);
    assert.deepEqual([missRow?.responseCacheHit, missRow?.responseCacheSavedUsd, Number(missRow?.costUsd)], [0, 0, original.cost_usd]);
    assert.deepEqual(
      {
        hit: hitRow?.responseCacheHit,
        saved: hitRow?.responseCacheSavedUsd,
        cost: hitRow?.costUsd,
        prompt: hitRow?.promptTokens,
        completion: hitRow?.completionTokens,
        model: hitRow?.routedModel,
        status: hitRow?.status,
      },
      { hit: 1, saved: original.cost_usd, cost: 0, prompt: 0, completion: 0, model: 'gpt-4o-mini', status: 200 },
    );
    // Billed once: the spend and token counters hold the first request only.
    const monthly = await gw.admission.monthly({ accountId: account.accountId });
    assert.equal(Math.round(monthly.spentUsd * 1e9), Math.round(original.cost_usd * 1e9));
    assert.equal(monthly.tokens, original.total_tokens);

    const browser = new DashboardClient(gw.url);
    assert.equal((await browser.post('/api/login', { email: account.email, password: 'correct horse battery' })).status, 200);
    const usage = await browser.get<{
      series: { response_cache_hits: number; response_cache_saved_usd: number }[];
      totals: { requests: number; cost_usd: number; response_cache_hits: number; response_cache_saved_usd: number };
    }>('/api/usage?granularity=day&days=7');
    assert.equal(usage.status, 200, usage.text);
    assert.deepEqual(
      [usage.body.totals.requests, usage.body.totals.cost_usd, usage.body.totals.response_cache_hits, usage.body.totals.response_cache_saved_usd],
      [2, original.cost_usd, 1, original.cost_usd],
    );
    assert.equal(usage.body.series.at(-1)?.response_cache_saved_usd, original.cost_usd);
    const logs = await browser.get<{ data: { response_cache_hit: boolean; response_cache_saved_usd: number }[] }>('/api/logs?limit=1');
    assert.deepEqual(logs.body.data[0], { ...logs.body.data[0], response_cache_hit: true, response_cache_saved_usd: original.cost_usd });
  });

  it('replays as a valid OpenAI stream what a JSON request cached, and as JSON what a stream cached', async () => {
    const account = await gw.addAccount();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Stream or not' }] };
    const json = await post<ChatBody>('/v1/chat/completions', account.apiKey, body, CACHE_ON);
    const calls = upstreamCalls();
    const streamed = await post('/v1/chat/completions', account.apiKey, { ...body, stream: true, stream_options: { include_usage: true } }, CACHE_ON);
    assert.equal(streamed.status, 200);
    assert.equal(streamed.headers.get('x-op-cache'), 'hit');
    assert.match(streamed.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.ok(streamed.text.trimEnd().endsWith('data: [DONE]'));
    const chunks = sseData(streamed.text);
    for (const chunk of chunks) validateOpenAI('CreateChatCompletionStreamResponse', chunk);
    const text = chunks.map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '').join('');
    assert.equal(text, json.body.choices[0]?.message.content);
    assert.deepEqual(chunks.at(-1)?.usage, { ...json.body.usage, cost_usd: 0 });

    // And the other way round: a stream fills the entry, JSON hits it.
    const fresh = { model: 'claude-haiku-4.5', messages: [{ role: 'user', content: 'Streamed first' }] };
    const first = await post('/v1/chat/completions', account.apiKey, { ...fresh, stream: true, stream_options: { include_usage: true } }, CACHE_ON);
    assert.equal(first.headers.get('x-op-cache'), 'miss');
    const streamedText = sseData(first.text)
      .map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')
      .join('');
    const hit = await post<ChatBody>('/v1/chat/completions', account.apiKey, fresh, CACHE_ON);
    assert.equal(hit.headers.get('x-op-cache'), 'hit');
    validateOpenAI('CreateChatCompletionResponse', hit.body);
    assert.equal(hit.body.choices[0]?.message.content, streamedText);
    assert.equal(hit.body.usage.cost_usd, 0);
    assert.ok(!('native' in hit.body));
    assert.equal(upstreamCalls(), calls + 1);

    // Claude's own Message body (kept in the entry for the Messages door) is no part of a Chat Completions answer.
    const claude = { model: 'claude-haiku-4.5', messages: [{ role: 'user', content: 'JSON first' }] };
    for (const expected of ['miss', 'hit']) {
      const answer = await post<ChatBody>('/v1/chat/completions', account.apiKey, claude, CACHE_ON);
      assert.equal(answer.headers.get('x-op-cache'), expected);
      assert.ok(!('native' in answer.body), answer.text);
    }
  });

  it('hits an `auto` request with whichever model answered it first', async () => {
    const account = await gw.addAccount();
    const body = { model: 'auto', messages: [{ role: 'user', content: 'Pick any model' }] };
    const first = await post<ChatBody>('/v1/chat/completions', account.apiKey, body, CACHE_ON);
    const second = await post<ChatBody>('/v1/chat/completions', account.apiKey, body, CACHE_ON);
    assert.equal(second.headers.get('x-op-cache'), 'hit');
    assert.equal(second.body.model, first.body.model);
    assert.equal(second.headers.get('x-op-model'), first.headers.get('x-op-model'));
  });

  it('never shares an entry with another account; a refresh calls the model and replaces it; off bypasses it', async () => {
    const owner = await gw.addAccount();
    const other = await gw.addAccount();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Mine only' }] };
    await post('/v1/chat/completions', owner.apiKey, body, CACHE_ON);
    const calls = upstreamCalls();
    const foreign = await post('/v1/chat/completions', other.apiKey, body, CACHE_ON);
    assert.equal(foreign.headers.get('x-op-cache'), 'miss');
    assert.equal(upstreamCalls(), calls + 1);

    const refreshed = await post('/v1/chat/completions', owner.apiKey, body, { 'x-op-cache': 'refresh' });
    assert.equal(refreshed.headers.get('x-op-cache'), 'refresh');
    assert.equal(upstreamCalls(), calls + 2);
    assert.equal((await post('/v1/chat/completions', owner.apiKey, body, CACHE_ON)).headers.get('x-op-cache'), 'hit');
    const bypassed = await post('/v1/chat/completions', owner.apiKey, body, { 'x-op-cache': 'off' });
    assert.equal(bypassed.headers.get('x-op-cache'), null);
    assert.equal(upstreamCalls(), calls + 3);
    const plain = await post('/v1/chat/completions', owner.apiKey, body);
    assert.equal(plain.headers.get('x-op-cache'), null, 'without asking, nothing is looked up');
    assert.equal(upstreamCalls(), calls + 4);
  });

  it('takes `cache` in the body (as extra_body), never sends it upstream, and refuses a bad lifetime with 400 param', async () => {
    const account = await gw.addAccount();
    fault.handler = (req, res) => {
      seenByFault.push(req);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(openAICompletion('deepseek-chat', 'From the scripted upstream')));
    };
    const body = { model: 'deepseek-chat', messages: [{ role: 'user', content: 'Body settings' }], cache: { ttl: 60 } };
    const before = fault.requests;
    const first = await post('/v1/chat/completions', account.apiKey, body);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-op-cache'), 'miss');
    const second = await post('/v1/chat/completions', account.apiKey, body);
    assert.equal(second.headers.get('x-op-cache'), 'hit');
    assert.equal(fault.requests, before + 1);
    assert.equal(seenByFault.at(-1)?.json?.cache, undefined, 'the gateway setting is not the upstream’s');

    for (const [cache, param] of [
      [{ ttl: 86_401 }, 'cache.ttl'],
      [{ ttl: -1 }, 'cache.ttl'],
      [{ refresh: 'yes' }, 'cache.refresh'],
      ['always', 'cache'],
    ] as const) {
      const refused = await post<{ error: { param: string; type: string } }>('/v1/chat/completions', account.apiKey, { ...body, cache });
      assert.equal(refused.status, 400, refused.text);
      validateOpenAI('ErrorResponse', refused.body);
      assert.equal(refused.body.error.param, param);
    }
    const header = await post<{ error: { param: string } }>(
      '/v1/chat/completions',
      account.apiKey,
      { ...body, cache: undefined },
      { 'x-op-cache-ttl': '999999' },
    );
    assert.equal(header.status, 400);
    assert.equal(header.body.error.param, 'x-op-cache-ttl');
  });

  it('caches every request of a key that has a default lifetime (set in /api/keys) unless the request says off', async () => {
    const account = await gw.addAccount({ password: 'correct horse battery' });
    const browser = new DashboardClient(gw.url);
    assert.equal((await browser.post('/api/login', { email: account.email, password: 'correct horse battery' })).status, 200);
    for (const bad of [0, 1.5, 2_592_001]) {
      const refused = await browser.post<{ error: { param: string } }>('/api/keys', { name: 'cached', response_cache_ttl_seconds: bad });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error.param, 'response_cache_ttl_seconds');
    }
    const created = await browser.post<{ key: { id: string; response_cache_ttl_seconds: number | null }; secret: string }>('/api/keys', {
      name: 'cached',
      response_cache_ttl_seconds: 600,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.key.response_cache_ttl_seconds, 600);
    const { secret } = created.body;

    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Cached by my key' }] };
    assert.equal((await post('/v1/chat/completions', secret, body)).headers.get('x-op-cache'), 'miss');
    const calls = upstreamCalls();
    assert.equal((await post('/v1/chat/completions', secret, body)).headers.get('x-op-cache'), 'hit');
    assert.equal((await post('/v1/chat/completions', secret, body, { 'x-op-cache': 'off' })).headers.get('x-op-cache'), null);
    assert.equal(upstreamCalls(), calls + 1);

    const patched = await browser.patch<{ key: { response_cache_ttl_seconds: number | null } }>(`/api/keys/${created.body.key.id}`, {
      response_cache_ttl_seconds: null,
    });
    assert.equal(patched.body.key.response_cache_ttl_seconds, null);
    assert.equal((await post('/v1/chat/completions', secret, body)).headers.get('x-op-cache'), null);
  });

  it('never caches an error, an answer cut by max_tokens, or a stream that failed midway', async () => {
    const account = await gw.addAccount();
    let failNext = true;
    fault.handler = (req, res) => {
      if (failNext) {
        failNext = false;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(openAICompletion('deepseek-chat', `Answer to ${req.body.length}`)));
    };
    const body = { model: 'deepseek-chat', messages: [{ role: 'user', content: 'Fail first' }] };
    const failed = await post('/v1/chat/completions', account.apiKey, body, CACHE_ON);
    assert.ok(failed.status >= 500, failed.text);
    const retried = await post('/v1/chat/completions', account.apiKey, body, CACHE_ON);
    assert.equal(retried.status, 200);
    assert.equal(retried.headers.get('x-op-cache'), 'miss', 'the error was not cached');

    const cut = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'A long answer please, cut short' }], max_tokens: 2 };
    const calls = upstreamCalls();
    const short = await post<{ choices: { finish_reason: string }[] }>('/v1/chat/completions', account.apiKey, cut, CACHE_ON);
    assert.equal(short.body.choices[0]?.finish_reason, 'length');
    assert.equal((await post('/v1/chat/completions', account.apiKey, cut, CACHE_ON)).headers.get('x-op-cache'), 'miss');
    assert.equal(upstreamCalls(), calls + 2);

    gw.simulator?.setKnobs('gpt-4o-mini', { midStreamError: true });
    try {
      const broken = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Break midway' }], stream: true };
      const first = await post('/v1/chat/completions', account.apiKey, broken, CACHE_ON);
      assert.match(first.text, /"error"/);
      gw.simulator?.resetKnobs();
      const second = await post('/v1/chat/completions', account.apiKey, broken, CACHE_ON);
      assert.equal(second.headers.get('x-op-cache'), 'miss', 'the cut stream was not cached');
    } finally {
      gw.simulator?.resetKnobs();
    }
  });
});

describe('other doors', () => {
  let account: TestAccount;
  before(async () => {
    account = await gw.addAccount();
  });

  it('Messages: a hit in Anthropic’s format, JSON and streamed, through the Anthropic SDK with the header', async () => {
    const anthropic = anthropicClient(gw, account.apiKey);
    const params = { model: 'claude-haiku-4.5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Messages cache' }] };
    const first = await anthropic.messages.create(params, { headers: CACHE_ON }).withResponse();
    assert.equal(first.response.headers.get('x-op-cache'), 'miss');
    const calls = upstreamCalls();
    const second = await anthropic.messages.create(params, { headers: CACHE_ON }).withResponse();
    assert.equal(second.response.headers.get('x-op-cache'), 'hit');
    assert.equal(upstreamCalls(), calls);
    assert.equal(second.data.type, 'message');
    assert.deepEqual(second.data.content, first.data.content);
    assert.notEqual(second.data.id, first.data.id);
    const usage = second.data.usage as unknown as Record<string, number>;
    assert.equal(usage.cost_usd, 0);
    assert.equal(usage.output_tokens, first.data.usage.output_tokens);
    assert.equal(Number(second.response.headers.get('x-op-cache-saved-usd')), (first.data.usage as unknown as Record<string, number>).cost_usd);

    const stream = anthropic.messages.stream(params, { headers: CACHE_ON });
    const final = await stream.finalMessage();
    assert.equal(upstreamCalls(), calls);
    assert.deepEqual(final.content, first.data.content);
    assert.equal(final.stop_reason, 'end_turn');

    const refused = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': account.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-op-cache': 'sometimes' },
      body: JSON.stringify(params),
    });
    assert.equal(refused.status, 400);
    const error = (await refused.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(error.type, 'error');
    assert.equal(error.error.type, 'invalid_request_error');
    assert.match(error.error.message, /x-op-cache/);
  });

  it("Messages: Claude's signed thinking replays block for block, a JSON answer as a stream and a stream as JSON", async () => {
    const anthropic = anthropicClient(gw, account.apiKey);
    const thinking = { type: 'enabled' as const, budget_tokens: 2048 };
    for (const firstStreamed of [false, true]) {
      const params = {
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        thinking,
        messages: [{ role: 'user' as const, content: `Think about caching, ${firstStreamed ? 'streamed' : 'whole'} first` }],
      };
      const first = firstStreamed
        ? await anthropic.messages.stream(params, { headers: CACHE_ON }).finalMessage()
        : await anthropic.messages.create(params, { headers: CACHE_ON });
      assert.equal(first.content[0]?.type, 'thinking');
      const calls = upstreamCalls();
      const replayed = firstStreamed
        ? await anthropic.messages.create(params, { headers: CACHE_ON })
        : await anthropic.messages.stream(params, { headers: CACHE_ON }).finalMessage();
      assert.equal(upstreamCalls(), calls, 'answered from the cache');
      assert.deepEqual(replayed.content, first.content, 'thinking text and signature as Claude signed them');
    }
  });

  it('Responses: a hit is a Response object stored like any turn, and a valid event stream; a continued turn hits too', async () => {
    const body = { model: 'gpt-4o-mini', input: 'Responses cache', cache: true };
    const first = await post<{ id: string; output: unknown[]; usage: { total_tokens: number } }>('/v1/responses', account.apiKey, body);
    assert.equal(first.status, 200, first.text);
    const calls = upstreamCalls();
    const second = await post<{ id: string; output: { content?: { text: string }[] }[]; usage: { total_tokens: number; cost_usd: number } }>(
      '/v1/responses',
      account.apiKey,
      body,
    );
    assert.equal(second.headers.get('x-op-cache'), 'hit');
    assert.equal(upstreamCalls(), calls);
    validateOpenAI('Response', second.body);
    assert.notEqual(second.body.id, first.body.id);
    assert.equal(second.body.usage.total_tokens, first.body.usage.total_tokens);
    assert.equal(second.body.usage.cost_usd, 0);
    // store (the default) kept the hit's response: it can be read and continued.
    const stored = await fetch(`${gw.url}/v1/responses/${second.body.id}`, { headers: { authorization: `Bearer ${account.apiKey}` } });
    assert.equal(stored.status, 200);

    const streamed = await post('/v1/responses', account.apiKey, { ...body, stream: true });
    assert.equal(streamed.headers.get('x-op-cache'), 'hit');
    const events = sseData(streamed.text);
    for (const event of events) validateOpenAI('ResponseStreamEvent', event);
    assert.equal(events.at(-1)?.type, 'response.completed');
    assert.equal(upstreamCalls(), calls);

    // The same next turn, continued from the stored response: its expanded history is the key, so it hits.
    const next = { model: 'gpt-4o-mini', input: 'And then?', previous_response_id: second.body.id, cache: true };
    assert.equal((await post('/v1/responses', account.apiKey, next)).headers.get('x-op-cache'), 'miss');
    assert.equal((await post('/v1/responses', account.apiKey, next)).headers.get('x-op-cache'), 'hit');
  });

  it('Embeddings: a hit returns the same vectors, float or base64, at cost 0', async () => {
    const client = account.client();
    const params = { model: 'text-embedding-3-small', input: ['cache these', 'and these'] };
    const first = await client.embeddings.create({ ...params, encoding_format: 'float' }, { headers: CACHE_ON }).withResponse();
    assert.equal(first.response.headers.get('x-op-cache'), 'miss');
    const calls = upstreamCalls();
    const second = await client.embeddings.create(params, { headers: CACHE_ON }).withResponse();
    assert.equal(second.response.headers.get('x-op-cache'), 'hit');
    assert.equal(upstreamCalls(), calls);
    assert.deepEqual(
      second.data.data.map((item) => item.embedding),
      first.data.data.map((item) => item.embedding),
    );
    assert.equal((second.data.usage as unknown as Record<string, number>).cost_usd, 0);
    assert.equal(second.data.usage.prompt_tokens, first.data.usage.prompt_tokens);
    const saved = Number(second.response.headers.get('x-op-cache-saved-usd'));
    assert.equal(saved, (first.data.usage as unknown as Record<string, number>).cost_usd);
  });
});
