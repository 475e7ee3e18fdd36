import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../core/gateway-error.js';
import { readSseBatches } from './sse-reader.js';

async function* pieces(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield Buffer.from(text);
}

async function batches(body: AsyncIterable<Uint8Array>, max?: number): Promise<string[][]> {
  const data: string[][] = [];
  for await (const batch of readSseBatches(body, { maxEventBytes: max })) data.push(batch.map((event) => event.data));
  return data;
}

async function collect(body: AsyncIterable<Uint8Array>, max?: number): Promise<string[]> {
  return (await batches(body, max)).flat();
}

describe('readSseBatches', () => {
  it('yields events split across pieces, named events and multi-line data', async () => {
    assert.deepEqual(await collect(pieces('data: {"a"', ':1}\n\nevent: x\ndata: one\ndata: two\n\n: ping\n\n')), ['{"a":1}', 'one\ntwo']);
  });

  it('yields the events one piece completes together, and no empty batch', async () => {
    assert.deepEqual(await batches(pieces('data: 1\n\ndata: 2\n\ndata: 3', '\n\n', ': ping\n\n', 'data: 4\n\n')), [['1', '2'], ['3'], ['4']]);
  });

  it('any number of events may flow; only one event larger than the bound is refused, with a 502', async () => {
    const small = Array.from({ length: 100 }, (_, i) => `data: ${'x'.repeat(50)}${i}\n\n`);
    assert.equal((await collect(pieces(...small), 200)).length, 100);
    await assert.rejects(collect(pieces('data: {"ok":1}\n\n', 'data: ', 'y'.repeat(150), 'y'.repeat(150)), 200), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 502);
      assert.equal(error.code, 'provider_error');
      return true;
    });
  });

  it('gives up on a stream that sends only comments for longer than the event gap, with a 503', async () => {
    let clock = 0;
    async function* pings(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('data: first\n\n');
      for (;;) {
        clock += 100;
        yield Buffer.from(': ping\n\n');
      }
    }
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of readSseBatches(pings(), { maxEventGapMs: 1000, now: () => clock })) seen.push(...batch.map((e) => e.data));
      })(),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 503);
        assert.match(error.message, /timed out/);
        return true;
      },
    );
    assert.deepEqual(seen, ['first']);
    assert.equal(clock, 1100, 'cut off at the first piece past the gap');
  });
});
