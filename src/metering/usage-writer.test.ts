import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { listUsageLog, sumCost } from '../store/index.js';
import { openTempStore, type TempStore } from '../store/testing.js';
import { createStoreUsageSink, type UsageSink } from './ledger.js';
import type { UsageRecord } from './usage-record.js';
import { DEFAULT_FLUSH_MS, UsageWriter, type ScheduleTimer } from './usage-writer.js';

/** A timer the test fires by hand, so nothing depends on the clock. */
class ManualTimer {
  readonly delays: number[] = [];
  #pending: (() => void)[] = [];

  readonly schedule: ScheduleTimer = (callback, ms) => {
    this.delays.push(ms);
    this.#pending.push(callback);
    return () => {
      this.#pending = this.#pending.filter((pending) => pending !== callback);
    };
  };

  get armed(): number {
    return this.#pending.length;
  }

  fire(): void {
    const due = this.#pending;
    this.#pending = [];
    for (const callback of due) callback();
  }
}

/** A sink that keeps batches and fails the next `failNext` writes. */
class TestSink implements UsageSink {
  readonly batches: string[][] = [];
  failNext = 0;
  throwSynchronously = false;

  write(rows: readonly UsageRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      if (this.throwSynchronously) throw new Error('sink exploded');
      return Promise.reject(new Error('database is locked'));
    }
    this.batches.push(rows.map((row) => row.id));
    return Promise.resolve();
  }

  get ids(): string[] {
    return this.batches.flat();
  }
}

/** Lets every queued promise callback run (several event-loop turns, no timers). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function rows(count: number, from = 0): UsageRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `usage_${from + index}`,
    requestId: `req_${from + index}`,
    accountId: 'acct_a',
    keyId: 'key_a',
    requestedModel: 'gpt-4o-mini',
    routedModel: 'gpt-4o-mini',
    provider: 'openai',
    byok: false,
    promptTokens: 12,
    completionTokens: 7,
    costUsd: 0.000123,
    latencyMs: 80,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    createdAt: '2025-06-15T12:00:00.000Z',
    endpoint: 'chat.completions',
    estimated: false,
  }));
}

describe('UsageWriter', () => {
  let timer: ManualTimer;
  let sink: TestSink;
  beforeEach(() => {
    timer = new ManualTimer();
    sink = new TestSink();
  });

  it('writes buffered rows in one batch when the timer fires, not before', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule });
    for (const row of rows(3)) writer.record(row);
    await settle();
    assert.equal(sink.batches.length, 0);
    assert.deepEqual(writer.stats(), { written: 0, pending: 3, dropped: 0, failures: 0 });
    assert.deepEqual(timer.delays, [DEFAULT_FLUSH_MS]);

    timer.fire();
    await settle();
    assert.deepEqual(sink.batches, [['usage_0', 'usage_1', 'usage_2']]);
    assert.deepEqual(writer.stats(), { written: 3, pending: 0, dropped: 0, failures: 0 });
  });

  it('writes as soon as maxBatch rows are buffered, in batches of at most maxBatch', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 5 });
    for (const row of rows(4)) writer.record(row);
    await settle();
    assert.equal(sink.batches.length, 0);

    for (const row of rows(8, 4)) writer.record(row);
    await settle();
    assert.deepEqual(
      sink.batches.map((batch) => batch.length),
      [5, 5, 2],
    );
    assert.deepEqual(
      sink.ids,
      rows(12).map((row) => row.id),
    );
  });

  it('finds a pending row by request id while buffered and while its write is in flight, until it is written', async () => {
    let release: () => void = () => undefined;
    const slow: UsageSink = {
      write: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    };
    const writer = new UsageWriter({ sink: slow, schedule: timer.schedule });
    const [first, second] = rows(2);
    assert.ok(first && second);
    writer.record(first);
    assert.equal(writer.findPending('req_0'), first);
    timer.fire();
    await settle();
    writer.record(second);
    assert.equal(writer.findPending('req_0'), first, 'in flight: not yet committed');
    release();
    await settle();
    assert.equal(writer.findPending('req_0'), undefined, 'written: the store has it');
    assert.equal(writer.findPending('req_1'), second);
    assert.equal(writer.findPending('req_unknown'), undefined);
  });

  it('forgets the rows it drops while the sink keeps failing', async () => {
    sink.failNext = 100;
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 2, maxPending: 3, onError: () => undefined });
    for (const row of rows(5)) writer.record(row);
    await settle();
    assert.equal(writer.stats().dropped, 2);
    assert.equal(writer.findPending('req_0'), undefined);
    assert.equal(writer.findPending('req_1'), undefined);
    assert.equal(writer.findPending('req_4')?.id, 'usage_4');
  });

  it('close writes every row, stops the timer and is idempotent', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 100 });
    for (const row of rows(1_234)) writer.record(row);
    const closing = writer.close();
    assert.equal(writer.close(), closing);
    await closing;
    assert.equal(timer.armed, 0);
    assert.deepEqual(
      sink.ids,
      rows(1_234).map((row) => row.id),
    );
    assert.deepEqual(writer.stats(), { written: 1_234, pending: 0, dropped: 0, failures: 0 });
    await writer.close();
    assert.equal(sink.ids.length, 1_234);
  });

  it('keeps the rows of a failed write, reports it and retries on the next tick in order', async () => {
    const errors: unknown[] = [];
    const writer = new UsageWriter({ sink, schedule: timer.schedule, onError: (error) => errors.push(error) });
    sink.failNext = 1;
    for (const row of rows(3)) writer.record(row);
    timer.fire();
    await settle();
    assert.deepEqual(writer.stats(), { written: 0, pending: 3, dropped: 0, failures: 1 });
    assert.equal(errors.length, 1);
    assert.equal(timer.armed, 1, 'a retry is scheduled');

    writer.record(rows(1, 3)[0] ?? assert.fail());
    timer.fire();
    await settle();
    assert.deepEqual(sink.batches, [['usage_0', 'usage_1', 'usage_2', 'usage_3']]);
    assert.deepEqual(writer.stats(), { written: 4, pending: 0, dropped: 0, failures: 1 });
  });

  it('pauses size-triggered writes while backing off after a failure', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 2 });
    sink.failNext = 1;
    for (const row of rows(2)) writer.record(row);
    await settle();
    assert.equal(writer.stats().failures, 1);
    for (const row of rows(6, 2)) writer.record(row);
    await settle();
    assert.equal(sink.batches.length, 0);
    timer.fire();
    await settle();
    assert.deepEqual(
      sink.ids,
      rows(8).map((row) => row.id),
    );
  });

  it('bounds the buffer while the sink fails, dropping and counting the oldest rows', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 5, maxPending: 10 });
    sink.failNext = 1_000;
    for (const row of rows(5)) writer.record(row);
    await settle();
    for (const row of rows(10, 5)) writer.record(row);
    assert.deepEqual(writer.stats(), { written: 0, pending: 10, dropped: 5, failures: 1 });

    sink.failNext = 0;
    await writer.flush();
    assert.deepEqual(
      sink.ids,
      rows(10, 5).map((row) => row.id),
    );
    assert.deepEqual(writer.stats(), { written: 10, pending: 0, dropped: 5, failures: 1 });
  });

  it('never throws from record, even when the sink throws synchronously', async () => {
    const onError = (): void => {
      throw new Error('faulty logger');
    };
    const writer = new UsageWriter({ sink, schedule: timer.schedule, maxBatch: 1, onError });
    sink.failNext = 1;
    sink.throwSynchronously = true;
    assert.doesNotThrow(() => writer.record(rows(1)[0] ?? assert.fail()));
    await settle();
    assert.deepEqual(writer.stats(), { written: 0, pending: 1, dropped: 0, failures: 1 });
    await writer.flush();
    assert.equal(writer.stats().written, 1);
  });

  it('flush and close reject with the sink error and keep the rows; close can be retried', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule });
    for (const row of rows(2)) writer.record(row);
    sink.failNext = 2;
    await assert.rejects(writer.flush(), /database is locked/);
    await assert.rejects(writer.close(), /database is locked/);
    assert.equal(writer.stats().pending, 2);
    await writer.close();
    assert.deepEqual(writer.stats(), { written: 2, pending: 0, dropped: 0, failures: 2 });
  });

  it('writes rows recorded after close at once, without a timer', async () => {
    const writer = new UsageWriter({ sink, schedule: timer.schedule });
    await writer.close();
    writer.record(rows(1)[0] ?? assert.fail());
    await settle();
    assert.equal(timer.armed, 0);
    assert.deepEqual(sink.ids, ['usage_0']);
  });
});

describe('UsageWriter with the store sink', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('loses no row and matches the cost the clients saw', async () => {
    const writer = new UsageWriter({ sink: createStoreUsageSink(temp.store), flushMs: 1, maxBatch: 64 });
    const recorded = rows(1_000).map((row, index) => ({ ...row, costUsd: (index % 17) * 0.000001 + 0.0000001 }));
    for (const row of recorded) writer.record(row);
    await writer.close();
    const clientSum = recorded.reduce((sum, row) => sum + row.costUsd, 0);
    assert.ok(Math.abs((await sumCost(temp.store.db)) - clientSum) < 1e-8);
    const stored = await temp.store.db
      .selectFrom('usage')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    assert.equal(Number(stored?.n), 1_000);
  });

  it('stores the endpoint and the estimated flag each row was recorded with', async () => {
    const writer = new UsageWriter({ sink: createStoreUsageSink(temp.store), flushMs: 1, maxBatch: 64 });
    const recorded = rows(4).map((row, index) => ({
      ...row,
      endpoint: index % 2 === 0 ? ('embeddings' as const) : ('chat.completions' as const),
      estimated: index < 2,
    }));
    for (const row of recorded) writer.record(row);
    await writer.close();
    const log = await listUsageLog(temp.store.db, { accountId: 'acct_a', limit: 10 });
    assert.deepEqual(
      log.map((entry) => [entry.id, entry.endpoint, entry.estimated]).sort(),
      recorded.map((row) => [row.id, row.endpoint, row.estimated]).sort(),
    );
  });
});
