import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { writePacedStream, type StreamSink } from './stream-writer.js';
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

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(2);
}

describe('writePacedStream', () => {
  it('writes an unpaced stream in one end() call, synchronously', () => {
    const sink = new FakeSink();
    writePacedStream(sink, plan, { ttftMs: 0, tokensPerSecond: 0 });
    assert.deepEqual(sink.writes, []);
    assert.equal(sink.ended, 'H12345T');
    assert.equal(sink.listenerCount('close'), 0);
  });

  it('waits ttft before the first token and paces the rest', async () => {
    const sink = new FakeSink();
    const started = performance.now();
    writePacedStream(sink, plan, { ttftMs: 20, tokensPerSecond: 200 });
    assert.deepEqual(sink.writes, ['H']);
    await waitFor(() => sink.ended !== undefined);
    assert.ok(performance.now() - started >= 20 + 4 * 5 - 1);
    assert.equal(sink.text(), 'H12345T');
  });

  it('stops writing and clears its timer when the client goes away', async () => {
    const sink = new FakeSink();
    writePacedStream(sink, plan, { ttftMs: 0, tokensPerSecond: 10 });
    assert.deepEqual(sink.writes, ['H1'], 'the head and the first token are due at once; the second in 100 ms');
    sink.emit('close');
    await sleep(150);
    assert.deepEqual(sink.writes, ['H1']);
    assert.equal(sink.ended, undefined);
    assert.equal(sink.listenerCount('close'), 0);
    assert.equal(sink.listenerCount('drain'), 0);
  });

  it('waits for drain under backpressure', async () => {
    const sink = new FakeSink();
    sink.accept = false;
    writePacedStream(sink, { ...plan, tokens: ['x'.repeat(70_000), 'y'] }, { ttftMs: 0, tokensPerSecond: 0 });
    assert.equal(sink.writes.length, 1);
    assert.equal(sink.ended, undefined);
    await sleep(10);
    assert.equal(sink.writes.length, 1, 'nothing more until drain');
    sink.accept = true;
    sink.emit('drain');
    assert.equal(sink.text(), `H${'x'.repeat(70_000)}yT`);
  });
});
