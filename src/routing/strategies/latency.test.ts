import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from '../catalog.js';
import { deploymentKey, InMemoryHealthStore, type SuccessSample } from '../health.js';
import { deriveRequirements, filterCatalog } from '../requirements.js';
import { createLatencyStrategy, expectedLatencyMs } from './latency.js';
import type { RoutingStrategy } from './strategy.js';
import { defaultCatalog, manualClock, runStrategyContract, seededRandom, textRequest } from './strategy.contract.test.js';

runStrategyContract('latency', (random) => createLatencyStrategy({ random }));

const catalog = defaultCatalog();
const req = deriveRequirements(textRequest());
const { capable } = filterCatalog(catalog, req, () => false);

interface Speed {
  ttftMs: number;
  tokensPerSecond: number;
}
const NORMAL: Speed = { ttftMs: 1000, tokensPerSecond: 40 };
const TEN_TIMES_FASTER: Speed = { ttftMs: 100, tokensPerSecond: 400 };
const TEN_TIMES_SLOWER: Speed = { ttftMs: 10_000, tokensPerSecond: 4 };

/** A call of `outputTokens` tokens at `speed` (times scaled by `jitter`), streamed or timed only as a whole. */
function sample(speed: Speed, outputTokens: number, streamed: boolean, jitter = 1): SuccessSample {
  const ttftMs = speed.ttftMs * jitter;
  const totalMs = ttftMs + ((outputTokens - 1) / speed.tokensPerSecond) * 1000 * jitter;
  return { ttftMs: streamed ? ttftMs : undefined, totalMs, outputTokens };
}

/**
 * Routes `count` requests one second apart, each answered by the first-ranked deployment at `speedOf` its key
 * (with ±20 % jitter), streamed when `streamed` says so (default: all streamed, 512 tokens). Returns, per request,
 * the key served and whether it was an exploration.
 */
function simulate(
  strategy: RoutingStrategy,
  candidates: readonly Candidate[],
  speedOf: (key: string, request: number) => Speed,
  count: number,
  env = { clock: manualClock(), jitter: seededRandom(99) },
  health = new InMemoryHealthStore({ now: env.clock.now }),
  calls: { streamed: boolean; outputTokens: number } = { streamed: true, outputTokens: 512 },
): Array<{ key: string; explored: boolean }> {
  const served: Array<{ key: string; explored: boolean }> = [];
  for (let i = 0; i < count; i++) {
    const first = strategy.rank(candidates, req, health, env.clock.now())[0];
    assert.ok(first !== undefined);
    const key = deploymentKey(first.candidate.deployment);
    health.recordSuccess(key, sample(speedOf(key, i), calls.outputTokens, calls.streamed, 0.8 + 0.4 * env.jitter()));
    served.push({ key, explored: first.details.explored === true });
    env.clock.advance(1000);
  }
  return served;
}

/** The number of requests before `key` is served on every later non-exploration request (Infinity if never). */
function settledAfter(served: ReadonlyArray<{ key: string; explored: boolean }>, key: string): number {
  let settled = 0;
  for (const [i, s] of served.entries()) if (!s.explored && s.key !== key) settled = i + 1;
  return settled === served.length ? Infinity : settled;
}

describe('latency strategy', () => {
  it('expects TTFT plus the expected output at the measured rate', () => {
    const snapshot = { ttftMs: 300, outputTokensPerSecond: 100, successRate: 1, outcomes: 1, evidence: 1, lastSeenAt: 0 };
    assert.equal(expectedLatencyMs(snapshot, req), 300 + 511 * 10);
  });

  it('converges on a 10× faster deployment of the 17-deployment catalog within 40 requests from a cold start', () => {
    const fast = deploymentKey(capable[7]!.deployment);
    const served = simulate(createLatencyStrategy({ random: seededRandom(1) }), capable, (key) => (key === fast ? TEN_TIMES_FASTER : NORMAL), 200);
    const settled = settledAfter(served, fast);
    assert.ok(settled <= 40, `settled after ${settled} requests`);
    // Cold start: every deployment is tried once, then the fast one wins (17 deployments → 18 requests at most).
    assert.ok(settled <= capable.length + 1);
    const exploring = served.slice(settled).filter((s) => s.explored).length;
    assert.ok(exploring / (served.length - settled) < 0.12, 'exploration stays a small share');
  });

  for (const streamed of [true, false]) {
    it(`notices a recovered deployment (${streamed ? 'streamed' : 'non-streamed'} calls): median ≤ 40 requests over 20 seeds, never more than 200`, () => {
      const pair = capable.slice(0, 2);
      const target = deploymentKey(pair[1]!.deployment);
      const results: number[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        const speedOf = (key: string, i: number): Speed => (key !== target ? NORMAL : i < 120 ? TEN_TIMES_SLOWER : TEN_TIMES_FASTER);
        const env = { clock: manualClock(), jitter: seededRandom(99) };
        const health = new InMemoryHealthStore({ now: env.clock.now });
        const served = simulate(createLatencyStrategy({ random: seededRandom(seed) }), pair, speedOf, 520, env, health, {
          streamed,
          outputTokens: 512,
        });
        results.push(settledAfter(served.slice(120), target));
      }
      results.sort((a, b) => a - b);
      assert.ok((results[9] ?? Infinity) <= 40, `settling after recovery: ${results.join(', ')}`);
      assert.ok((results[19] ?? Infinity) <= 200, `settling after recovery: ${results.join(', ')}`);
    });
  }

  describe('mixed traffic: estimates from streamed and non-streamed calls compare fairly', () => {
    // Every deployment answers 24 tokens in ~150 ms except one in ~5 ms (the scenario, at unit scale).
    const SLOW: Speed = { ttftMs: 100, tokensPerSecond: 23_000 / 50 };
    const FAST: Speed = { ttftMs: 3, tokensPerSecond: 23_000 / 2 };
    const INSTANT: Speed = { ttftMs: 1, tokensPerSecond: 23_000 };
    const fast = deploymentKey(capable[5]!.deployment);
    const measured = deploymentKey(capable[0]!.deployment);
    const speedOf = (key: string): Speed => (key === fast ? FAST : SLOW);

    it('streams measured one deployment when it was instant; non-streamed latency traffic still settles within 2N', () => {
      const clock = manualClock();
      const health = new InMemoryHealthStore({ now: clock.now });
      for (let i = 0; i < 3; i++) health.recordSuccess(measured, sample(INSTANT, 24, true));
      const env = { clock, jitter: seededRandom(7) };
      const served = simulate(createLatencyStrategy({ random: seededRandom(3) }), capable, speedOf, 4 * capable.length, env, health, {
        streamed: false,
        outputTokens: 24,
      });
      assert.ok(settledAfter(served, fast) <= 2 * capable.length, `settled after ${settledAfter(served, fast)}`);
    });

    it('non-streamed calls measured every deployment when it was instant; streamed latency traffic settles within 2N', () => {
      const clock = manualClock();
      const health = new InMemoryHealthStore({ now: clock.now });
      for (const c of capable) health.recordSuccess(deploymentKey(c.deployment), sample(INSTANT, 24, false));
      const env = { clock, jitter: seededRandom(7) };
      const served = simulate(createLatencyStrategy({ random: seededRandom(3) }), capable, speedOf, 4 * capable.length, env, health, {
        streamed: true,
        outputTokens: 24,
      });
      assert.ok(settledAfter(served, fast) <= 2 * capable.length, `settled after ${settledAfter(served, fast)}`);
    });

    it('ranks a deployment measured only on non-streamed calls against one measured only on streams by their speed', () => {
      const pair = capable.slice(0, 2);
      const [streamed, whole] = pair.map((c) => deploymentKey(c.deployment)) as [string, string];
      for (const [streamedSpeed, wholeSpeed, winner] of [
        [SLOW, FAST, whole],
        [FAST, SLOW, streamed],
      ] as const) {
        const health = new InMemoryHealthStore({ now: manualClock().now });
        for (let i = 0; i < 10; i++) {
          health.recordSuccess(streamed, sample(streamedSpeed, 24, true));
          health.recordSuccess(whole, sample(wholeSpeed, 24, false));
        }
        const ranked = createLatencyStrategy({ random: () => 0.99 }).rank(pair, req, health, 0);
        assert.equal(deploymentKey(ranked[0]!.candidate.deployment), winner);
      }
    });
  });

  it('tries a never-seen deployment first, then exploits', () => {
    const pair = capable.slice(0, 2);
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    const strategy = createLatencyStrategy({ random: () => 0.99 });
    health.recordSuccess(deploymentKey(pair[0]!.deployment), { ttftMs: 50, totalMs: 500, outputTokens: 100 });
    const ranked = strategy.rank(pair, req, health, clock.now());
    assert.equal(ranked[0]?.candidate, pair[1]);
    assert.equal(ranked[0]?.details.explored, true);
    health.recordSuccess(deploymentKey(pair[1]!.deployment), { ttftMs: 5000, totalMs: 9000, outputTokens: 100 });
    const next = strategy.rank(pair, req, health, clock.now());
    assert.equal(next[0]?.candidate, pair[0]);
    assert.equal(next[0]?.details.explored, false);
  });

  it('explores the least recently seen deployment with the configured probability', () => {
    const trio = capable.slice(0, 3);
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (const [i, c] of trio.entries()) {
      health.recordSuccess(deploymentKey(c.deployment), { ttftMs: 100 * (i + 1), totalMs: 1000 * (i + 1), outputTokens: 100 });
      clock.advance(1000);
    }
    // trio[0] is fastest and seen last; trio[1] is now the least recently seen, so exploration picks it.
    health.recordSuccess(deploymentKey(trio[0]!.deployment), { ttftMs: 100, totalMs: 1000, outputTokens: 100 });
    const explore = createLatencyStrategy({ random: () => 0.01, explorationShare: 0.05 }).rank(trio, req, health, clock.now());
    const exploit = createLatencyStrategy({ random: () => 0.06, explorationShare: 0.05 }).rank(trio, req, health, clock.now());
    assert.equal(exploit[0]?.candidate, trio[0]);
    assert.equal(explore[0]?.candidate, trio[1]);
    assert.equal(explore[1]?.candidate, trio[0]);
  });

  it('counts a failing deployment as slower', () => {
    const pair = capable.slice(0, 2);
    const clock = manualClock();
    const health = new InMemoryHealthStore({ now: clock.now });
    for (const c of pair) health.recordSuccess(deploymentKey(c.deployment), { ttftMs: 500, totalMs: 3000, outputTokens: 200 });
    for (let i = 0; i < 3; i++) health.recordFailure(deploymentKey(pair[0]!.deployment), { retryable: true });
    const ranked = createLatencyStrategy({ random: () => 0.99 }).rank(pair, req, health, clock.now());
    assert.equal(ranked[0]?.candidate, pair[1]);
  });
});
