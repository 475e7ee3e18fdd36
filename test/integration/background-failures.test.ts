/**
 * Background work that fails is not silent: a usage-ledger write that fails is counted in /metrics by task, and the
 * ledger's backlog shows there until the store takes the rows again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

/**
 * Waits until `rows` ledger rows have been recorded (written or pending): a request's row is recorded once it has
 * settled, which may come after the client has its answer (on Redis, settling is a round trip).
 */
async function recorded(rows: number): Promise<void> {
  const seen = (): number => gw.ledger.stats().written + gw.ledger.stats().pending;
  while (seen() < rows) await new Promise((resolve) => setImmediate(resolve));
}

async function scrape(): Promise<string> {
  return (await fetch(`${gw.url}/metrics`)).text();
}

describe('background failures at /metrics', () => {
  it('counts a failed ledger write and shows the rows waiting, then none once the store is back', async () => {
    await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
    await recorded(1);
    await gw.ledger.flush();
    assert.match(await scrape(), /^op_ledger_pending_rows 0$/m);

    // The usage table goes away: the next row cannot be written.
    await sql`alter table usage rename to usage_away`.execute(gw.store.db);
    try {
      await gw.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
      await recorded(2);
      await assert.rejects(gw.ledger.flush());
      const metrics = await scrape();
      assert.match(metrics, /^op_background_failures_total\{task="usage_ledger"\} [1-9]\d*$/m);
      assert.match(metrics, /^op_ledger_write_failures_total [1-9]\d*$/m);
      assert.match(metrics, /^op_ledger_pending_rows [1-9]\d*$/m);
    } finally {
      await sql`alter table usage_away rename to usage`.execute(gw.store.db);
    }
    await gw.ledger.flush();
    const metrics = await scrape();
    assert.match(metrics, /^op_ledger_pending_rows 0$/m);
    assert.match(metrics, /^op_ledger_rows_dropped_total 0$/m);
  });
});
