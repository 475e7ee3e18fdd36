import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAttemptLogContract } from './attempt-log.contract.test.js';
import { MemoryAttemptLog } from './memory-attempt-log.js';

runAttemptLogContract('memory', (now) => new MemoryAttemptLog({ now }));

describe('MemoryAttemptLog', () => {
  it('sweeps keys whose attempts have all expired once it holds many, so memory stays bounded', async () => {
    let now = 0;
    const log = new MemoryAttemptLog({ now: () => now, sweepThreshold: 10 });
    const rule = (key: string) => ({ key, limit: 1, windowMs: 1000 });
    for (let i = 0; i < 10; i++) assert.equal((await log.take([rule(`k${i}`)])).allowed, true);
    now = 5000;
    assert.equal((await log.take([rule('late')])).allowed, true);
    for (let i = 0; i < 10; i++) assert.equal((await log.take([rule(`k${i}`)])).allowed, true);
  });
});
