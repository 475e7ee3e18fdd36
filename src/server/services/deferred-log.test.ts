import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { DeferredLog } from './deferred-log.js';

/** A logger whose warnings land in `lines`. */
function recordingLogger(lines: string[]): FastifyBaseLogger {
  return pino({ level: 'warn' }, { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
}

describe('DeferredLog', () => {
  it('drops messages until a logger is attached', () => {
    const lines: string[] = [];
    const log = new DeferredLog();
    log.write('warn', new Error('early'), 'before');
    log.attach(recordingLogger(lines));
    log.write('error', new Error('late'), 'after');
    assert.deepEqual(lines, ['after']);
  });

  it('says a throttled warning at most once per interval', () => {
    const lines: string[] = [];
    let now = 1_000;
    const log = new DeferredLog();
    log.attach(recordingLogger(lines));
    const warn = log.throttledWarning('cache down', 60_000, () => now);
    warn(new Error('1'));
    now += 59_999;
    warn(new Error('2'));
    now += 1;
    warn(new Error('3'));
    assert.deepEqual(lines, ['cache down', 'cache down']);
  });
});
