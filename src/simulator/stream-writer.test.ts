/**
 * The paced stream writer against a fake socket, on mocked timers (`setTimeout` and `Date`, `Date.now` as the
 * writer's clock): time only moves when a test ticks it, so pacing is checked to the millisecond without sleeping.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { type StreamPace, writePacedStream, type StreamSink } from './stream-writer.js';
import type { StreamPlan } from './wire-format.js';

/** Records writes; `accept` decides what `write` returns (false = socket buffer full). */
class FakeSink extends EventEmitter implements StreamSink {
  readonly writes: string[] = [];
  ended: string | undefined;
  accept = true;

  write(chunk: string): boolean {
    this.writes.push(chunk);
    return this.accept;
  }

  end(chunk: string): void {
    this.ended = chunk;
  }

  /** Everything written so far, ended or not. */
  text(): string {
    return this.writes.join('') + (this.ended ?? '');
  }
}

const plan: StreamPlan = { contentType: 'text/plain', head: ['H'], tokens: ['1', '2', '3', '4', '5'], tail: ['T'] };

/** The writer on the mocked clock. */
function write(sink: FakeSink, streamPlan: StreamPlan, pace: StreamPace): void {
  writePacedStream(sink, streamPlan, pace, () => Date.now());
}

describe('writePacedStream', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it('writes an unpaced stream in one end() call, synchronously', () => {
    const sink = new FakeSink();
    write(sink, plan, { ttftMs: 0, tokensPerSecond: 0 });
    assert.deepEqual(sink.writes, []);
    assert.equal(sink.ended, 'H12345T');
    assert.equal(sink.listenerCount('close'), 0);
  });

  it('waits ttft before the first token and paces the rest', () => {
    const sink = new FakeSink();
    write(sink, plan, { ttftMs: 20, tokensPerSecond: 200 });
    assert.deepEqual(sink.writes, ['H']);
    mock.timers.tick(19);
    assert.deepEqual(sink.writes, ['H'], 'no token before ttft');
    mock.timers.tick(1);
    assert.deepEqual(sink.writes, ['H', '1'], 'the first token at ttft');
    mock.timers.tick(4);
    assert.deepEqual(sink.writes, ['H', '1'], 'the next one 5 ms later (200 tokens/s)');
    mock.timers.tick(1);
    assert.deepEqual(sink.writes, ['H', '1', '2']);
    mock.timers.tick(14);
    assert.equal(sink.ended, undefined, 'the last token is due at 20 + 4 × 5 ms');
    mock.timers.tick(1);
    assert.equal(sink.ended, '5T');
    assert.equal(sink.text(), 'H12345T');
  });

  it('sends at once every frame that fell due while it was late, without drifting', () => {
    const sink = new FakeSink();
    write(sink, plan, { ttftMs: 0, tokensPerSecond: 100 });
    assert.deepEqual(sink.writes, ['H1']);
    // The event loop was blocked for 25 ms: tokens 2 and 3 (due at 10 and 20 ms) go out together, 4 stays at 30 ms.
    mock.timers.setTime(25);
    mock.timers.tick(0);
    assert.deepEqual(sink.writes, ['H1', '23']);
    mock.timers.tick(4);
    assert.deepEqual(sink.writes, ['H1', '23']);
    mock.timers.tick(1);
    assert.deepEqual(sink.writes, ['H1', '23', '4']);
  });

  it('stops writing and clears its timer when the client goes away', () => {
    const sink = new FakeSink();
    write(sink, plan, { ttftMs: 0, tokensPerSecond: 10 });
    assert.deepEqual(sink.writes, ['H1'], 'the head and the first token are due at once; the second in 100 ms');
    sink.emit('close');
    mock.timers.tick(1_000);
    assert.deepEqual(sink.writes, ['H1']);
    assert.equal(sink.ended, undefined);
    assert.equal(sink.listenerCount('close'), 0);
    assert.equal(sink.listenerCount('drain'), 0);
  });

  it('waits for drain under backpressure', () => {
    const sink = new FakeSink();
    sink.accept = false;
    write(sink, { ...plan, tokens: ['x'.repeat(70_000), 'y'] }, { ttftMs: 0, tokensPerSecond: 0 });
    assert.equal(sink.writes.length, 1);
    assert.equal(sink.ended, undefined);
    mock.timers.tick(1_000);
    assert.equal(sink.writes.length, 1, 'nothing more until drain');
    sink.accept = true;
    sink.emit('drain');
    assert.equal(sink.text(), `H${'x'.repeat(70_000)}yT`);
  });
});
