import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { GatewayError } from '../core/gateway-error.js';
import { createAccount } from '../store/index.js';
import { describeEachDialect, type TempStore } from '../store/testing.js';
import { type ConversationItem, ResponseStore, type StoredResponse } from './response-store.js';

const DAY_MS = 86_400_000;
const START = Date.parse('2025-03-10T00:00:00.000Z');
const MIB = 1024 * 1024;

function message(id: string, text: string): ConversationItem {
  return { type: 'message', id, role: 'user', content: [{ type: 'input_text', text }] };
}

/** A turn: one input message `<id>_in` and one output message `<id>_out`, unless given. */
function turn(id: string, createdAtMs: number, options: Partial<StoredResponse> = {}): StoredResponse {
  return {
    id,
    accountId: 'acct_a',
    createdAt: Math.floor(createdAtMs / 1000),
    previousResponseId: null,
    input: [message(`${id}_in`, `question of ${id}`)],
    output: [{ type: 'message', id: `${id}_out`, role: 'assistant', content: [{ type: 'output_text', text: `answer of ${id}` }] }],
    response: { id, object: 'response', status: 'completed' },
    ...options,
  };
}

const ids = (items: readonly ConversationItem[] | undefined): (string | undefined)[] | undefined => items?.map((item) => item.id);

await describeEachDialect('ResponseStore', (dialect) => {
  let temp: TempStore;
  let now: number;
  let store: ResponseStore;
  const makeStore = (maxStoredBytesPerAccount = MIB): ResponseStore =>
    new ResponseStore({ db: temp.store.db, now: () => now, retentionDays: 30, maxStoredBytesPerAccount });

  beforeEach(async () => {
    temp = await dialect.openTempStore();
    for (const id of ['acct_a', 'acct_b']) {
      await createAccount(temp.store.db, {
        id,
        email: `${id}@example.com`,
        passwordHash: null,
        plan: 'free',
        createdAt: new Date(START).toISOString(),
      });
    }
    now = START;
    store = makeStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('gives a saved response back to its account only, until its retention ends', async () => {
    const saved = turn('resp_1', START, { previousResponseId: null, input: [message('msg_1', 'hi'), message('msg_2', 'there')] });
    await store.save(saved);
    assert.deepEqual(await store.get('acct_a', 'resp_1'), saved);
    assert.equal(await store.get('acct_b', 'resp_1'), undefined);
    assert.equal(await store.get('acct_a', 'resp_2'), undefined);
    now = START + 30 * DAY_MS - 1;
    assert.deepEqual(await store.get('acct_a', 'resp_1'), saved);
    now = START + 30 * DAY_MS;
    assert.equal(await store.get('acct_a', 'resp_1'), undefined);
  });

  it('loads a conversation along previous_response_id, oldest turn first, each turn’s input then output', async () => {
    await store.save(turn('resp_1', START));
    await store.save(turn('resp_2', START + 1000, { previousResponseId: 'resp_1', output: [] }));
    await store.save(turn('resp_3', START + 2000, { previousResponseId: 'resp_2' }));
    assert.deepEqual(ids(await store.history('acct_a', 'resp_3')), ['resp_1_in', 'resp_1_out', 'resp_2_in', 'resp_3_in', 'resp_3_out']);
    assert.deepEqual(ids(await store.history('acct_a', 'resp_1')), ['resp_1_in', 'resp_1_out']);
    const history = await store.history('acct_a', 'resp_3');
    assert.deepEqual(history?.[1], turn('resp_1', START).output[0]);
  });

  it('breaks a conversation whose link is unknown, deleted, expired or another account’s', async () => {
    await store.save(turn('resp_1', START));
    await store.save(turn('resp_2', START + DAY_MS, { previousResponseId: 'resp_1' }));
    await store.save(turn('resp_b', START, { accountId: 'acct_b' }));
    await store.save(turn('resp_x', START + DAY_MS, { previousResponseId: 'resp_b' }));
    await store.save(turn('resp_y', START + DAY_MS, { previousResponseId: 'resp_unknown' }));

    assert.equal(await store.history('acct_b', 'resp_2'), undefined);
    assert.equal(await store.history('acct_a', 'resp_unknown'), undefined);
    assert.equal(await store.history('acct_a', 'resp_x'), undefined);
    assert.equal(await store.history('acct_a', 'resp_y'), undefined);

    now = START + 30 * DAY_MS;
    assert.equal(await store.history('acct_a', 'resp_2'), undefined, 'resp_1 expired');
    now = START;
    assert.notEqual(await store.history('acct_a', 'resp_2'), undefined);
    assert.equal(await store.delete('acct_a', 'resp_1'), true);
    assert.equal(await store.history('acct_a', 'resp_2'), undefined, 'resp_1 deleted');
    assert.notEqual(await store.get('acct_a', 'resp_2'), undefined);
  });

  it('deletes only its own account’s live responses, once', async () => {
    await store.save(turn('resp_1', START));
    assert.equal(await store.delete('acct_b', 'resp_1'), false);
    assert.equal(await store.delete('acct_a', 'resp_unknown'), false);
    assert.equal(await store.delete('acct_a', 'resp_1'), true);
    assert.equal(await store.delete('acct_a', 'resp_1'), false);
    assert.equal(await store.get('acct_a', 'resp_1'), undefined);
    await store.save(turn('resp_2', START));
    now = START + 30 * DAY_MS;
    assert.equal(await store.delete('acct_a', 'resp_2'), false, 'expired reads as unknown');
  });

  it('finds items by id within the account’s live responses, the latest version of a reused id winning', async () => {
    await store.save(turn('resp_1', START, { output: [{ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{}' }] }));
    await store.save(turn('resp_2', START + 1000, { input: [message('resp_1_in', 'edited')] }));
    await store.save(turn('resp_b', START, { accountId: 'acct_b', input: [message('msg_b', 'secret')] }));
    const found = await store.items('acct_a', ['fc_1', 'resp_1_in', 'msg_b', 'msg_none']);
    assert.deepEqual([...found.keys()].sort(), ['fc_1', 'resp_1_in']);
    assert.deepEqual(found.get('fc_1'), { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{}' });
    assert.deepEqual(found.get('resp_1_in'), message('resp_1_in', 'edited'));
    assert.equal((await store.items('acct_a', [])).size, 0);
  });

  it('refuses a response over the account’s cap with a 400 on param store, and finds room again after a delete', async () => {
    store = makeStore(MIB);
    const big = (id: string): StoredResponse => turn(id, START, { input: [message(`${id}_in`, 'x'.repeat(400 * 1024))] });
    await store.save(big('resp_1'));
    await store.save(big('resp_2'));
    await store.assertRoom('acct_a');
    const refused = await store.save(big('resp_3')).then(
      () => assert.fail('saved past the cap'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof GatewayError);
    assert.equal(refused.status, 400);
    assert.equal(refused.param, 'store');
    assert.equal(refused.type, 'invalid_request_error');
    assert.match(refused.message, /1 MiB/);
    assert.equal(await store.get('acct_a', 'resp_3'), undefined);
    await store.save({ ...big('resp_b'), accountId: 'acct_b' });

    assert.equal(await store.delete('acct_a', 'resp_1'), true);
    await store.save(big('resp_3'));
  });

  it('refuses room for a turn whose input alone would take the account over its cap', async () => {
    store = makeStore(MIB);
    await store.save(turn('resp_1', START, { input: [message('resp_1_in', 'x'.repeat(700 * 1024))] }));
    const input = [message('next_in', 'x'.repeat(400 * 1024))];
    await assert.rejects(store.assertRoom('acct_a', input), { status: 400, param: 'store' });
    await store.assertRoom('acct_a', [message('small_in', 'x'.repeat(1024))]);
    await store.assertRoom('acct_b', input);
  });

  it('refuses a response larger than the whole cap', async () => {
    store = makeStore(MIB);
    await assert.rejects(store.save(turn('resp_1', START, { input: [message('huge', 'x'.repeat(MIB))] })), { status: 400, param: 'store' });
    assert.equal(await store.get('acct_a', 'resp_1'), undefined);
  });

  it('refuses room to an account at its cap, but frees its expired responses before refusing', async () => {
    store = makeStore(MIB);
    await store.save(turn('resp_old', START));
    const old = await temp.store.db.selectFrom('storedResponses').select('bytes').executeTakeFirstOrThrow();
    // The account is full (as if by many more responses) ...
    await temp.store.db.updateTable('storedResponseUsage').set({ bytes: MIB }).where('accountId', '=', 'acct_a').execute();
    await assert.rejects(store.assertRoom('acct_a'), { status: 400, param: 'store' });
    await assert.rejects(store.save(turn('resp_1', START)), { status: 400, param: 'store' });
    await store.assertRoom('acct_b');

    // ... until resp_old expires: it still counts until purged, so the check purges the account's expired ones first.
    now = START + 30 * DAY_MS;
    await store.assertRoom('acct_a');
    const usage = await temp.store.db.selectFrom('storedResponseUsage').select('bytes').executeTakeFirstOrThrow();
    assert.equal(usage.bytes, MIB - old.bytes);
    // Saving does the same.
    await store.save(turn('resp_2', now));
    await temp.store.db.updateTable('storedResponseUsage').set({ bytes: MIB }).where('accountId', '=', 'acct_a').execute();
    await assert.rejects(store.save(turn('resp_3', now)), { status: 400, param: 'store' });
    now += 30 * DAY_MS;
    await store.save(turn('resp_3', now));
    assert.equal(await store.get('acct_a', 'resp_2'), undefined);
    assert.notEqual(await store.get('acct_a', 'resp_3'), undefined);
  });

  it('purges responses past their retention, with their items, and counts them', async () => {
    await store.save(turn('resp_1', START));
    await store.save(turn('resp_2', START + DAY_MS, { previousResponseId: 'resp_1' }));
    assert.equal(await store.purgeExpired(START + 30 * DAY_MS - 1), 0);
    assert.equal(await store.purgeExpired(START + 30 * DAY_MS), 1);
    assert.equal(await store.purgeExpired(START + 30 * DAY_MS), 0);
    assert.deepEqual(await store.items('acct_a', ['resp_1_in', 'resp_2_in']).then((found) => [...found.keys()]), ['resp_2_in']);
    assert.equal(await store.purgeExpired(START + 31 * DAY_MS), 1);
    const left = await temp.store.db.selectFrom('storedResponseUsage').select('bytes').executeTakeFirstOrThrow();
    assert.equal(left.bytes, 0);
  });

  it('pages the items a response was generated from: the conversation before it and its own input, not its output', async () => {
    await store.save(turn('resp_1', START));
    await store.save(
      turn('resp_2', START + 1000, { previousResponseId: 'resp_1', input: [message('a', '1'), message('b', '2'), message('c', '3')] }),
    );
    const all = ['resp_1_in', 'resp_1_out', 'a', 'b', 'c'];
    assert.deepEqual(ids((await store.inputItems('acct_a', 'resp_2', { limit: 100, order: 'asc' }))?.data), all);
    assert.deepEqual(ids((await store.inputItems('acct_a', 'resp_2', { limit: 100, order: 'desc' }))?.data), [...all].reverse());

    const first = await store.inputItems('acct_a', 'resp_2', { limit: 2, order: 'desc' });
    assert.deepEqual([ids(first?.data), first?.hasMore], [['c', 'b'], true]);
    const second = await store.inputItems('acct_a', 'resp_2', { after: 'b', limit: 2, order: 'desc' });
    assert.deepEqual([ids(second?.data), second?.hasMore], [['a', 'resp_1_out'], true]);
    const last = await store.inputItems('acct_a', 'resp_2', { after: 'resp_1_out', limit: 2, order: 'desc' });
    assert.deepEqual([ids(last?.data), last?.hasMore], [['resp_1_in'], false]);
    assert.deepEqual(await store.inputItems('acct_a', 'resp_2', { after: 'resp_1_in', limit: 2, order: 'desc' }), { data: [], hasMore: false });
    assert.deepEqual((await store.inputItems('acct_a', 'resp_2', { limit: 2, order: 'asc' }))?.data[0], message('resp_1_in', 'question of resp_1'));

    await assert.rejects(store.inputItems('acct_a', 'resp_2', { after: 'nope', limit: 2, order: 'asc' }), { status: 400, param: 'after' });
    assert.equal(await store.inputItems('acct_b', 'resp_2', { limit: 2, order: 'asc' }), undefined);
    assert.equal(await store.inputItems('acct_a', 'resp_9', { limit: 2, order: 'asc' }), undefined);

    await store.delete('acct_a', 'resp_1');
    assert.deepEqual(ids((await store.inputItems('acct_a', 'resp_2', { limit: 100, order: 'asc' }))?.data), ['a', 'b', 'c']);
  });
});
