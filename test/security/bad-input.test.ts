/**
 * Issue 14, finding 3: rejected requests were free — a 60 rpm key sent 11,800 invalid-model requests in 10 s, all
 * evaluated and all written to the ledger. Bad input now counts against rpm, and refused requests write a bounded
 * number of ledger rows per key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('bad input is a request', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  const post = (apiKey: string, body: string): Promise<Response> =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body,
    });

  it('a 60 rpm key sending 70 invalid requests meets 429, and at most 60 of them are written to the ledger', async () => {
    const account = await gw.addAccount({ plan: 'free' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 70; i += 1) {
      const body = i % 2 === 0 ? JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }) : '{"model": ';
      const answer = await post(account.apiKey, body);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter ??= answer.headers.get('retry-after');
      await answer.arrayBuffer();
    }
    assert.deepEqual(
      statuses.slice(0, 60),
      Array.from({ length: 60 }, () => 400),
    );
    const late = statuses.slice(60);
    assert.ok(late.includes(429), `after 60: ${late.join()}`);
    assert.ok(
      late.every((s) => s === 429 || s === 400),
      late.join(),
    );
    assert.ok(retryAfter !== null && Number(retryAfter) > 0);
    // The rpm window is full: a valid request is refused too, without reaching an upstream.
    const valid = await post(account.apiKey, JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(valid.status, 429);
    await gw.ledger.flush();
    const rows = await gw.store.db.selectFrom('usage').select(['status']).where('accountId', '=', account.accountId).execute();
    assert.ok(rows.length <= 60, `${rows.length} ledger rows`);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    const dropped = Number(/^op_refused_rows_dropped_total (\d+)/m.exec(metrics)?.[1]);
    assert.ok(dropped >= 11, `dropped ${dropped}`);
  });
});
