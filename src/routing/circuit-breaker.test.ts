import { describe } from 'node:test';
import { runCircuitBreakersContract } from './circuit-breakers.contract.test.js';
import { InMemoryCircuitBreakers } from './circuit-breaker.js';

describe('InMemoryCircuitBreakers', () => {
  runCircuitBreakersContract((options) => new InMemoryCircuitBreakers(options));
});
