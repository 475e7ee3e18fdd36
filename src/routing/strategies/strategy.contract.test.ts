/**
 * The contract every routing strategy passes (run by each strategy's own test file), plus the fixtures those
 * tests share: the real default catalog with fake keys, a settable clock and a seeded random.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/index.js';
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { PromptSize } from '../../metering/token-count.js';
import { Catalog, type Candidate } from '../catalog.js';
import { deploymentKey, InMemoryHealthStore } from '../health.js';
import { deriveRequirements, filterCatalog } from '../requirements.js';
import type { RoutingStrategy } from './strategy.js';

/** The built-in catalog (16 chat models, 17 deployments) with every provider given a fake key. */
export function defaultCatalog(): Catalog {
  const config = loadConfig({ env: {} });
  const env: NodeJS.ProcessEnv = {};
  for (const id of Object.keys(config.providers)) env[`OP_${id.toUpperCase().replace(/-/g, '_')}_API_KEY`] = `fake-${id}`;
  const withKeys = loadConfig({ env });
  return new Catalog(withKeys.models, withKeys.providers);
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A deterministic uniform random in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plain one-message text request. */
export function textRequest(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: 'auto', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], ...extra };
}

/** A prompt of exactly `tokens` tokens by every measure, for tests that need a given size without the text. */
export function promptOfSize(tokens: number): PromptSize {
  return { estimate: tokens, bound: tokens, counted: () => tokens };
}

const ids = (candidates: readonly Candidate[]): string[] => candidates.map((c) => deploymentKey(c.deployment)).sort();

/** Runs the strategy contract for one implementation; `make` builds a fresh strategy from a random source. */
export function runStrategyContract(name: string, make: (random: () => number) => RoutingStrategy): void {
  describe(`${name} strategy contract`, () => {
    const catalog = defaultCatalog();
    const requirements = deriveRequirements(textRequest());
    const { capable } = filterCatalog(catalog, requirements, () => false);

    function warmHealth(clock: ReturnType<typeof manualClock>): InMemoryHealthStore {
      const health = new InMemoryHealthStore({ now: clock.now });
      for (const [i, c] of capable.entries()) {
        const key = deploymentKey(c.deployment);
        if (i % 3 === 0) health.recordFailure(key, { retryable: true });
        if (i % 2 === 0) health.recordSuccess(key, { ttftMs: 200 + 50 * i, totalMs: 2000 + 100 * i, outputTokens: 100 });
        clock.advance(10);
      }
      return health;
    }

    it('returns every capable candidate exactly once', () => {
      const clock = manualClock();
      const ranked = make(seededRandom(1)).rank(capable, requirements, warmHealth(clock), clock.now());
      assert.deepEqual(ids(ranked.map((s) => s.candidate)), ids(capable));
    });

    it('is deterministic with a fixed random', () => {
      const clockA = manualClock();
      const clockB = manualClock();
      const a = make(seededRandom(7));
      const b = make(seededRandom(7));
      const healthA = warmHealth(clockA);
      const healthB = warmHealth(clockB);
      for (let i = 0; i < 20; i++) {
        assert.deepEqual(a.rank(capable, requirements, healthA, clockA.now()), b.rank(capable, requirements, healthB, clockB.now()));
      }
    });

    it('never returns a candidate it was not given', () => {
      const clock = manualClock();
      const subset = capable.filter((_, i) => i % 2 === 1);
      const ranked = make(seededRandom(3)).rank(subset, requirements, warmHealth(clock), clock.now());
      assert.deepEqual(ids(ranked.map((s) => s.candidate)), ids(subset));
    });

    it('handles a single candidate and an empty list', () => {
      const clock = manualClock();
      const strategy = make(seededRandom(5));
      const single = capable.slice(0, 1);
      const ranked = strategy.rank(single, requirements, warmHealth(clock), clock.now());
      assert.equal(ranked.length, 1);
      assert.equal(ranked[0]?.candidate, single[0]);
      assert.ok(Number.isFinite(ranked[0]?.score));
      assert.deepEqual(strategy.rank([], requirements, warmHealth(clock), clock.now()), []);
    });

    it('gives every candidate a finite score and its name matches a routing mode', () => {
      const clock = manualClock();
      const strategy = make(seededRandom(9));
      for (const scored of strategy.rank(capable, requirements, warmHealth(clock), clock.now())) assert.ok(Number.isFinite(scored.score));
      assert.ok(['cost', 'latency', 'reliability'].includes(strategy.name));
    });
  });
}
