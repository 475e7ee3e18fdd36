import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { writeSseData, writeSseDone } from './sse.js';

/** A response that records its writes and corks; `full` makes every write ask to wait for `drain`. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  writableCorked = 0;
  readonly written: string[] = [];
  /** How many writes had reached the socket (were not held by a cork) when each uncork happened. */
  readonly flushes: number[] = [];

  constructor(private readonly full: boolean) {
    super();
  }

  write(text: string): boolean {
    this.written.push(text);
    return !this.full;
  }

  cork(): void {
    this.writableCorked += 1;
  }

  uncork(): void {
    this.writableCorked -= 1;
    if (this.writableCorked === 0) this.flushes.push(this.written.length);
  }
}

class FullResponse extends FakeResponse {
  constructor() {
    super(true);
  }
}

const asResponse = (fake: FakeResponse): ServerResponse => fake as unknown as ServerResponse;
const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('writeSseData', () => {
  it('writes several values as consecutive events in one write', async () => {
    const res = new FakeResponse(false);
    assert.equal(await writeSseData(asResponse(res), { a: 1 }, { b: 2 }), true);
    assert.deepEqual(res.written, ['data: {"a":1}\n\ndata: {"b":2}\n\n']);
  });

  it('holds the writes of one turn and sends them together on the next tick', async () => {
    const res = new FakeResponse(false);
    await writeSseData(asResponse(res), { n: 1 });
    await writeSseData(asResponse(res), { n: 2 });
    await writeSseDone(asResponse(res));
    assert.equal(res.writableCorked, 1);
    assert.deepEqual(res.flushes, []);
    await nextTick();
    assert.equal(res.writableCorked, 0);
    assert.deepEqual(res.flushes, [3]);
    await writeSseData(asResponse(res), { n: 3 });
    await nextTick();
    assert.deepEqual(res.flushes, [3, 4]);
  });

  it('waits for drain, and leaves no listener behind however many times it waited', async () => {
    const res = new FullResponse();
    for (let i = 0; i < 100; i++) {
      const written = writeSseData(asResponse(res), { n: i });
      assert.equal(res.listenerCount('drain'), 1);
      res.emit('drain');
      assert.equal(await written, true);
    }
    assert.equal(res.listenerCount('drain'), 0);
    assert.equal(res.listenerCount('close'), 0);
    assert.equal(res.listenerCount('error'), 0);
    assert.equal(res.written[99], 'data: {"n":99}\n\n');
  });

  it('answers false when the client goes away while it waits, and writes nothing after that', async () => {
    const res = new FullResponse();
    const written = writeSseDone(asResponse(res));
    res.destroyed = true;
    res.emit('close');
    assert.equal(await written, false);
    assert.equal(res.listenerCount('close'), 0);
    assert.equal(await writeSseData(asResponse(res), {}), false);
    assert.equal(res.written.length, 1);
  });
});
