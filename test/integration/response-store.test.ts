/**
 * The stored-response routes over HTTP (issue 17): `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and
 * `GET /v1/responses/{id}/input_items`, through fetch and the official openai SDK. Responses are seeded through the
 * gateway's own `ResponseStore` (what `POST /v1/responses` saves), so these tests stand on the store alone.
 *
 * The same 404 for an unknown id, another account's, an expired one and a deleted one; the list shape and the SDK's
 * auto-pagination with `after`; query checks; every call counted against rpm.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationItem, StoredResponse } from '../../src/conversation/index.js';
import { startTestGateway, type TestAccount, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let other: TestAccount;
before(async () => {
  gw = await startTestGateway();
  other = await gw.addAccount();
});
after(async () => {
  await gw.close();
});

let counter = 0;

function message(id: string, role: 'user' | 'assistant', text: string): ConversationItem {
  const type = role === 'user' ? 'input_text' : 'output_text';
  return { type: 'message', id, role, status: 'completed', content: [{ type, text, ...(role === 'user' ? {} : { annotations: [] }) }] };
}

/** Saves a turn for the main account (or `accountId`): input messages `<prefix>_in<n>`, one output message. */
async function seed(options: { accountId?: string; previous?: string; inputs?: number } = {}): Promise<StoredResponse> {
  const id = `resp_test${++counter}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const output = [message(`msg_${id}_out`, 'assistant', `answer ${counter}`)];
  const stored: StoredResponse = {
    id,
    accountId: options.accountId ?? gw.accountId,
    createdAt,
    previousResponseId: options.previous ?? null,
    input: Array.from({ length: options.inputs ?? 1 }, (_, n) => message(`msg_${id}_in${n}`, 'user', `question ${counter}.${n}`)),
    output,
    response: { id, object: 'response', created_at: createdAt, status: 'completed', model: 'gpt-4o-mini', output },
  };
  await gw.responseStore.save(stored);
  return stored;
}

function call(path: string, init: { method?: string; apiKey?: string } = {}): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${init.apiKey ?? gw.apiKey}` } });
}

/** OpenAI's 404 for a response id that is not there (or not the caller's). */
function notFoundBody(id: string) {
  return { error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: 'not_found' } };
}

async function assertNotFound(response: Response, id: string): Promise<void> {
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), notFoundBody(id));
  assert.ok(response.headers.get('x-ratelimit-remaining') !== null);
}

describe('GET and DELETE /v1/responses/{id}', () => {
  it('returns the stored Response object, to fetch and to the SDK', async () => {
    const stored = await seed();
    const response = await call(`/v1/responses/${stored.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), stored.response);
    const retrieved = await gw.client().responses.retrieve(stored.id);
    assert.equal(retrieved.id, stored.id);
    assert.deepEqual(retrieved.output, stored.output);
    const included = await call(`/v1/responses/${stored.id}?include[]=reasoning.encrypted_content&include[]=message.output_text.logprobs`);
    assert.equal(included.status, 200);
  });

  it('answers another account’s id exactly as an unknown one, for reads and deletes, and leaves it alone', async () => {
    const stored = await seed();
    await assertNotFound(await call(`/v1/responses/${stored.id}`, { apiKey: other.apiKey }), stored.id);
    await assertNotFound(await call(`/v1/responses/${stored.id}/input_items`, { apiKey: other.apiKey }), stored.id);
    await assertNotFound(await call(`/v1/responses/${stored.id}`, { method: 'DELETE', apiKey: other.apiKey }), stored.id);
    await assertNotFound(await call('/v1/responses/resp_never_was'), 'resp_never_was');
    assert.equal((await call(`/v1/responses/${stored.id}`)).status, 200);
    await assert.rejects(other.client().responses.retrieve(stored.id), { status: 404 });
  });

  it('answers an expired response as unknown', async () => {
    const stored = await seed();
    const longAgo = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await gw.store.db.updateTable('storedResponses').set({ createdAt: longAgo }).where('id', '=', stored.id).execute();
    await assertNotFound(await call(`/v1/responses/${stored.id}`), stored.id);
    await assertNotFound(await call(`/v1/responses/${stored.id}/input_items`), stored.id);
    await assertNotFound(await call(`/v1/responses/${stored.id}`, { method: 'DELETE' }), stored.id);
  });

  it('deletes a response once, in OpenAI’s shape, after which it is unknown; the SDK’s delete resolves', async () => {
    const stored = await seed();
    const deleted = await call(`/v1/responses/${stored.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), { id: stored.id, object: 'response', deleted: true });
    await assertNotFound(await call(`/v1/responses/${stored.id}`), stored.id);
    await assertNotFound(await call(`/v1/responses/${stored.id}`, { method: 'DELETE' }), stored.id);
    const next = await seed();
    await gw.client().responses.delete(next.id);
    await assertNotFound(await call(`/v1/responses/${next.id}`), next.id);
  });

  it('refuses to replay a stored response as a stream, and unknown include values', async () => {
    const stored = await seed();
    const stream = await call(`/v1/responses/${stored.id}?stream=true`);
    assert.equal(stream.status, 400);
    assert.equal(((await stream.json()) as { error: { param: string } }).error.param, 'stream');
    const include = await call(`/v1/responses/${stored.id}?include[]=everything`);
    assert.equal(include.status, 400);
    assert.equal(((await include.json()) as { error: { param: string } }).error.param, 'include');
  });
});

describe('GET /v1/responses/{id}/input_items', () => {
  it('lists the conversation before the response and its own input, newest first by default, in OpenAI’s list shape', async () => {
    const first = await seed();
    const second = await seed({ previous: first.id, inputs: 2 });
    const response = await call(`/v1/responses/${second.id}/input_items`);
    assert.equal(response.status, 200);
    const expected = [...first.input, ...first.output, ...second.input].reverse();
    assert.deepEqual(await response.json(), {
      object: 'list',
      data: expected,
      first_id: expected[0]?.id,
      last_id: expected.at(-1)?.id,
      has_more: false,
    });
    const ascending = (await (await call(`/v1/responses/${second.id}/input_items?order=asc&limit=2`)).json()) as Record<string, unknown>;
    assert.deepEqual(ascending, {
      object: 'list',
      data: [first.input[0], first.output[0]],
      first_id: first.input[0]?.id,
      last_id: first.output[0]?.id,
      has_more: true,
    });
  });

  it('pages with after through the SDK’s auto-pagination, in both orders', async () => {
    const first = await seed({ inputs: 4 });
    const second = await seed({ previous: first.id, inputs: 3 });
    const all = [...first.input, ...first.output, ...second.input].map((item) => item.id);
    const client = gw.client();
    const collect = async (order: 'asc' | 'desc'): Promise<(string | undefined)[]> => {
      const seen: (string | undefined)[] = [];
      for await (const item of client.responses.inputItems.list(second.id, { limit: 3, order })) seen.push(item.id);
      return seen;
    };
    assert.deepEqual(await collect('asc'), all);
    assert.deepEqual(await collect('desc'), [...all].reverse());
    const page = await client.responses.inputItems.list(second.id, { limit: 3, order: 'asc', after: all[2] });
    assert.deepEqual(
      page.data.map((item) => item.id),
      all.slice(3, 6),
    );
  });

  it('answers an empty page with null cursors, and refuses bad limit, order, after and repeated parameters', async () => {
    const stored = await seed();
    const last = stored.input[0]?.id;
    const empty = await call(`/v1/responses/${stored.id}/input_items?after=${last}`);
    assert.deepEqual(await empty.json(), { object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    for (const [query, param] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=', 'limit'],
      ['order=sideways', 'order'],
      ['after=', 'after'],
      ['after=msg_unknown', 'after'],
      ['order=asc&order=desc', 'order'],
      ['include=everything', 'include'],
    ] as const) {
      const response = await call(`/v1/responses/${stored.id}/input_items?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: { type: string; param: string } };
      assert.deepEqual([body.error.type, body.error.param], ['invalid_request_error', param], query);
    }
    assert.equal((await call(`/v1/responses/${stored.id}/input_items?limit=100&order=asc&include[]=message.input_image.image_url`)).status, 200);
  });
});

describe('limits', () => {
  it('counts every read and delete against rpm, found or not, and answers 429 past it', async () => {
    const limited = await gw.addAccount({ rpm: 3 });
    const stored = await seed({ accountId: limited.accountId });
    const remaining: (string | null)[] = [];
    for (const path of [`/v1/responses/${stored.id}`, `/v1/responses/${stored.id}/input_items`, '/v1/responses/resp_unknown']) {
      const response = await call(path, { apiKey: limited.apiKey });
      remaining.push(response.headers.get('x-ratelimit-remaining'));
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const refused = await call(`/v1/responses/${stored.id}`, { method: 'DELETE', apiKey: limited.apiKey });
    assert.equal(refused.status, 429);
    assert.equal((await call(`/v1/responses/${stored.id}`)).status, 404, 'still the limited account’s, still stored');
    assert.deepEqual((await gw.responseStore.get(limited.accountId, stored.id))?.id, stored.id);
  });

  it('needs a key', async () => {
    const response = await fetch(`${gw.url}/v1/responses/resp_x`);
    assert.equal(response.status, 401);
  });
});
