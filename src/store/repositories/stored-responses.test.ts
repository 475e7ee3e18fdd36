import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { describeEachDialect, type TempStore } from '../testing.js';
import { createAccount } from './accounts.js';
import {
  deleteStoredResponse,
  deleteStoredResponsesUpTo,
  findItemsAt,
  findItemsById,
  findStoredResponse,
  insertStoredResponse,
  loadChainItemIds,
  loadChainItems,
  storedResponseBytes,
  type StoredItemRow,
  type StoredResponseRow,
} from './stored-responses.js';

const DAY1 = '2025-03-01T00:00:00.000Z';
const DAY2 = '2025-03-02T00:00:00.000Z';
const DAY3 = '2025-03-03T00:00:00.000Z';
const BEFORE_ALL = '2025-01-01T00:00:00.000Z';
const CAP = 10_000;

function item(direction: 'input' | 'output', position: number, itemId: string | null): StoredItemRow {
  return { direction, position, itemId, item: JSON.stringify({ type: 'message', id: itemId, text: `${direction}-${position}` }) };
}

function response(id: string, options: Partial<StoredResponseRow> = {}): StoredResponseRow {
  return {
    id,
    accountId: 'acct_a',
    createdAt: DAY1,
    previousResponseId: null,
    bytes: 100,
    response: JSON.stringify({ id, object: 'response' }),
    items: [item('input', 0, `msg_${id}_in`), item('output', 0, `msg_${id}_out`)],
    ...options,
  };
}

await describeEachDialect('stored responses repository', (dialect) => {
  let temp: TempStore;
  const live = { accountId: 'acct_a', liveAfter: BEFORE_ALL };
  beforeEach(async () => {
    temp = await dialect.openTempStore();
    for (const id of ['acct_a', 'acct_b']) {
      await createAccount(temp.store.db, { id, email: `${id}@example.com`, passwordHash: null, plan: 'free', createdAt: DAY1 });
    }
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('stores a response with its items and reads it back in order, for its own account only', async () => {
    const stored = response('resp_1', {
      items: [item('output', 1, 'fc_2'), item('input', 1, null), item('output', 0, 'rs_1'), item('input', 0, 'msg_1')],
    });
    assert.equal(await insertStoredResponse(temp.store.db, stored, CAP), true);
    const found = await findStoredResponse(temp.store.db, live, 'resp_1');
    assert.deepEqual(found, {
      ...stored,
      items: [item('input', 0, 'msg_1'), item('input', 1, null), item('output', 0, 'rs_1'), item('output', 1, 'fc_2')],
    });
    assert.equal(await findStoredResponse(temp.store.db, { ...live, accountId: 'acct_b' }, 'resp_1'), undefined);
    assert.equal(await findStoredResponse(temp.store.db, live, 'resp_2'), undefined);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 100);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_b'), 0);
  });

  it('hides responses created at or before the live cutoff', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1', { createdAt: DAY1 }), CAP);
    assert.equal(await findStoredResponse(temp.store.db, { ...live, liveAfter: DAY1 }, 'resp_1'), undefined);
    assert.notEqual(await findStoredResponse(temp.store.db, { ...live, liveAfter: BEFORE_ALL }, 'resp_1'), undefined);
  });

  it('refuses a response that would take the account past its cap, writing nothing', async () => {
    assert.equal(await insertStoredResponse(temp.store.db, response('resp_1', { bytes: 6_000 }), CAP), true);
    assert.equal(await insertStoredResponse(temp.store.db, response('resp_2', { bytes: 4_001 }), CAP), false);
    assert.equal(await findStoredResponse(temp.store.db, live, 'resp_2'), undefined);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 6_000);
    assert.equal(await insertStoredResponse(temp.store.db, response('resp_3', { bytes: 4_000 }), CAP), true);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), CAP);
    // Another account's bytes are its own.
    assert.equal(await insertStoredResponse(temp.store.db, response('resp_4', { accountId: 'acct_b', bytes: 4_000 }), CAP), true);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_b'), 4_000);
  });

  it('refuses a response larger than the cap on an account that stores nothing yet', async () => {
    assert.equal(await insertStoredResponse(temp.store.db, response('resp_1', { bytes: CAP + 1 }), CAP), false);
    assert.equal(await findStoredResponse(temp.store.db, live, 'resp_1'), undefined);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 0);
  });

  it('never lets concurrent writers of one account pass the cap together', async () => {
    const writes = Array.from({ length: 8 }, (_, n) => insertStoredResponse(temp.store.db, response(`resp_${n}`, { bytes: 3_000 }), CAP));
    const results = await Promise.all(writes);
    assert.equal(results.filter(Boolean).length, 3);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 9_000);
  });

  it('loads a conversation along its previous_response_id links, oldest first, inputs before outputs', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1', { createdAt: DAY1 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_2', { createdAt: DAY2, previousResponseId: 'resp_1', items: [] }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_3', { createdAt: DAY3, previousResponseId: 'resp_2' }), CAP);
    const rows = await loadChainItems(temp.store.db, live, 'resp_3', 100);
    assert.deepEqual(
      rows.map((row) => [row.responseId, row.depth, row.previousResponseId, row.item?.direction ?? null, row.item?.value ?? null]),
      [
        ['resp_1', 2, null, 'input', item('input', 0, 'msg_resp_1_in').item],
        ['resp_1', 2, null, 'output', item('output', 0, 'msg_resp_1_out').item],
        ['resp_2', 1, 'resp_1', null, null],
        ['resp_3', 0, 'resp_2', 'input', item('input', 0, 'msg_resp_3_in').item],
        ['resp_3', 0, 'resp_2', 'output', item('output', 0, 'msg_resp_3_out').item],
      ],
    );
    const ids = await loadChainItemIds(temp.store.db, live, 'resp_3', 100);
    assert.deepEqual(
      ids.map((row) => row.item?.value ?? null),
      ['msg_resp_1_in', 'msg_resp_1_out', null, 'msg_resp_3_in', 'msg_resp_3_out'],
    );
  });

  it('stops a chain at a link that is deleted, expired, another account’s, or past the depth bound', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1', { createdAt: DAY1 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_2', { createdAt: DAY2, previousResponseId: 'resp_1' }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_b', { accountId: 'acct_b', createdAt: DAY2 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_3', { createdAt: DAY3, previousResponseId: 'resp_b' }), CAP);
    const oldest = async (id: string, scope = live, depth = 100) => (await loadChainItems(temp.store.db, scope, id, depth))[0];

    assert.deepEqual([(await oldest('resp_2'))?.responseId, (await oldest('resp_2'))?.previousResponseId], ['resp_1', null]);
    assert.equal((await oldest('resp_2', { ...live, liveAfter: DAY1 }))?.previousResponseId, 'resp_1');
    assert.equal((await oldest('resp_2', live, 0))?.previousResponseId, 'resp_1');
    assert.equal((await oldest('resp_3'))?.previousResponseId, 'resp_b');
    assert.equal(await oldest('resp_3', { ...live, accountId: 'acct_b' }), undefined);
    assert.equal(await deleteStoredResponse(temp.store.db, live, 'resp_1'), true);
    assert.equal((await oldest('resp_2'))?.previousResponseId, 'resp_1');
  });

  it('finds items by id within the account’s live responses, and items by place', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1', { createdAt: DAY1 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_2', { createdAt: DAY2, items: [item('input', 0, 'msg_resp_1_out')] }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_b', { accountId: 'acct_b', items: [item('input', 0, 'msg_b')] }), CAP);
    const found = await findItemsById(temp.store.db, live, ['msg_resp_1_in', 'msg_resp_1_out', 'msg_b', 'msg_none', 'msg_resp_1_in']);
    assert.deepEqual(
      found.map((row) => row.itemId),
      ['msg_resp_1_in', 'msg_resp_1_out', 'msg_resp_1_out'],
    );
    assert.deepEqual(await findItemsById(temp.store.db, { ...live, liveAfter: DAY1 }, ['msg_resp_1_in']), []);

    const places = await findItemsAt(temp.store.db, [
      { responseId: 'resp_1', direction: 'output', position: 0 },
      { responseId: 'resp_2', direction: 'input', position: 0 },
      { responseId: 'resp_2', direction: 'output', position: 0 },
    ]);
    assert.deepEqual(places.map((row) => `${row.responseId}/${row.direction}/${row.position}`).sort(), ['resp_1/output/0', 'resp_2/input/0']);
    assert.deepEqual(await findItemsAt(temp.store.db, []), []);
  });

  it('deletes a live response of its own account with its items and frees its bytes', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1', { bytes: 700 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_2', { bytes: 300 }), CAP);
    assert.equal(await deleteStoredResponse(temp.store.db, { ...live, accountId: 'acct_b' }, 'resp_1'), false);
    assert.equal(await deleteStoredResponse(temp.store.db, { ...live, liveAfter: DAY1 }, 'resp_1'), false);
    assert.equal(await deleteStoredResponse(temp.store.db, live, 'resp_1'), true);
    assert.equal(await deleteStoredResponse(temp.store.db, live, 'resp_1'), false);
    assert.equal(await findStoredResponse(temp.store.db, live, 'resp_1'), undefined);
    assert.deepEqual(await findItemsById(temp.store.db, live, ['msg_resp_1_in']), []);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 300);
  });

  it('purges responses created up to the cutoff, in batches, for all accounts or one, freeing their bytes', async () => {
    await temp.store.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 1_203; n++) {
        await insertStoredResponse(trx, response(`resp_old_${n}`, { bytes: 1, items: [item('input', 0, null)] }), CAP);
      }
    });
    await insertStoredResponse(temp.store.db, response('resp_new', { createdAt: DAY3, bytes: 5 }), CAP);
    await insertStoredResponse(temp.store.db, response('resp_b', { accountId: 'acct_b', bytes: 7 }), CAP);

    assert.equal(await deleteStoredResponsesUpTo(temp.store.db, { createdUpTo: DAY2, accountId: 'acct_b' }), 1);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_b'), 0);
    assert.equal(await deleteStoredResponsesUpTo(temp.store.db, { createdUpTo: DAY2 }), 1_203);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 5);
    assert.notEqual(await findStoredResponse(temp.store.db, live, 'resp_new'), undefined);
    const items = await temp.store.db.selectFrom('storedResponseItems').select('responseId').execute();
    assert.deepEqual([...new Set(items.map((row) => row.responseId))], ['resp_new']);
    assert.equal(await deleteStoredResponsesUpTo(temp.store.db, { createdUpTo: DAY2 }), 0);
  });

  it('goes with its account', async () => {
    await insertStoredResponse(temp.store.db, response('resp_1'), CAP);
    await temp.store.db.deleteFrom('accounts').where('id', '=', 'acct_a').execute();
    const left = await temp.store.db.selectFrom('storedResponseItems').select('responseId').execute();
    assert.deepEqual(left, []);
    assert.equal(await storedResponseBytes(temp.store.db, 'acct_a'), 0);
  });
});
