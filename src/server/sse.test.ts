import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { writeSseData, writeSseDone } from './sse.js';

/** A response whose socket is always full: every write asks to wait for `drain`. */
class FullResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  readonly written: string[] = [];

  write(text: string): boolean {
    this.written.push(text);
    return false;
  }
}

const asResponse = (fake: FullResponse): ServerResponse => fake as unknown as ServerResponse;

describe('writeSseData', () => {
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
