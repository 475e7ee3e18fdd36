/**
 * @module The limiter backend contract suite. Every `LimiterBackend` runs it; a backend is done when it passes.
 *
 * @example
 * runLimiterContract('redis', (now) => new RedisLimiterBackend({ redis, prefix, now }));
 */
import { describe } from 'node:test';
import { runAdmissionContract } from './contract/admission.contract.test.js';
import type { MakeBackend } from './contract/fixture.js';
import { runKeyContract } from './contract/keys.contract.test.js';
import { runLeaseContract } from './contract/leases.contract.test.js';
import { runSpendContract } from './contract/spend.contract.test.js';
import { runWindowContract } from './contract/windows.contract.test.js';

export type { MakeBackend } from './contract/fixture.js';

/** Registers the whole contract suite for the backend `makeBackend` builds on the injected clock. */
export function runLimiterContract(name: string, makeBackend: MakeBackend): void {
  describe(`limiter contract: ${name}`, () => {
    describe('windows', () => runWindowContract(makeBackend));
    describe('leases', () => runLeaseContract(makeBackend));
    describe('spend', () => runSpendContract(makeBackend));
    describe('admission', () => runAdmissionContract(makeBackend));
    describe('per-key limits', () => runKeyContract(makeBackend));
  });
}
