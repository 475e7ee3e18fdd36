/**
 * @module Writes a StreamPlan to a response at the knob pace. Frames that are already due go out together in one
 * write (so `tokensPerSecond: 0` is a single write with no timers); a write the socket cannot take yet waits for
 * `drain`; a client disconnect clears the pending timer and stops everything.
 */

import type { StreamPlan } from './wire-format.js';

/** The part of `http.ServerResponse` the writer uses (a fake in tests). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(chunk: string): void;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

/** Pacing for the token frames of a stream. */
export interface StreamPace {
  /** Delay before the first token frame, counted from when the head frames are written. */
  ttftMs: number;
  /** Token frames per second; 0 = no pacing. */
  tokensPerSecond: number;
}

/** Largest string handed to one `write` call, so huge unpaced replies still yield to backpressure. */
const MAX_WRITE_CHARS = 64 * 1024;

/** Writes one stream; construct it after the status line and headers are sent. */
class PacedStreamWriter {
  private readonly frames: string[];
  private readonly firstToken: number;
  private readonly endToken: number;
  private readonly intervalMs: number;
  private readonly startedAt: number;
  private index = 0;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly res: StreamSink,
    plan: StreamPlan,
    private readonly pace: StreamPace,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.frames = [...plan.head, ...plan.tokens, ...plan.tail];
    this.firstToken = plan.head.length;
    this.endToken = plan.head.length + plan.tokens.length;
    this.intervalMs = pace.tokensPerSecond > 0 ? 1000 / pace.tokensPerSecond : 0;
    res.on('close', this.stop);
  }

  /** Writes every frame that is due; then waits for the next due time, for `drain`, or ends the response. */
  readonly pump = (): void => {
    this.timer = undefined;
    if (this.finished) return;
    let batch = '';
    while (this.index < this.frames.length) {
      const wait = this.dueAt(this.index) - this.now();
      if (wait > 0) {
        if (batch.length > 0 && !this.write(batch)) return;
        this.timer = setTimeout(this.pump, wait);
        return;
      }
      batch += this.frames[this.index++] ?? '';
      if (batch.length >= MAX_WRITE_CHARS) {
        if (!this.write(batch)) return;
        batch = '';
      }
    }
    this.finished = true;
    this.res.off('close', this.stop);
    this.res.end(batch);
  };

  /** Writes a batch; on backpressure arranges to resume on `drain` and returns false. */
  private write(batch: string): boolean {
    if (this.res.write(batch)) return true;
    this.res.once('drain', this.pump);
    return false;
  }

  /** Absolute due time of frame `index` (0 = now). Token k is due at start + ttft + k / pace, without drift. */
  private dueAt(index: number): number {
    if (index < this.firstToken || index >= this.endToken) return 0;
    return this.startedAt + this.pace.ttftMs + (index - this.firstToken) * this.intervalMs;
  }

  /** Client went away (or the server is closing): drop timers and listeners, write nothing more. */
  private readonly stop = (): void => {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.res.off('drain', this.pump);
    this.res.off('close', this.stop);
  };
}

/**
 * Streams `plan` to `res` (headers already written) and ends the response. `now` is the clock due times are read
 * on, in ms (tests pass a mocked one).
 */
export function writePacedStream(res: StreamSink, plan: StreamPlan, pace: StreamPace, now: () => number = () => performance.now()): void {
  new PacedStreamWriter(res, plan, pace, now).pump();
}
