/**
 * @module Latency mode: lowest expected latency first, from live measurements, with a little exploration.
 *
 * The expected latency of a request is the time to the end of an answer of its expected output length (`max_tokens`,
 * else 512): time to first token + (length − 1) × time per token, the two figures the health store learns from
 * streamed and non-streamed calls alike (see `health.ts`), divided by the success rate.
 *
 * Exploitation alone never learns that a deployment it stopped using has recovered, and never tries one whose prior
 * looks worse than the current favourite. So the least recently seen candidate (any outcome counts as seen) is
 * promoted to first place when it has never been seen at all, and otherwise with probability `explorationShare`.
 * From a cold start every capable deployment is thus tried once, after which the fastest wins: with N candidates
 * the strategy settles after about N requests.
 */
import type { Candidate } from '../catalog.js';
import { deploymentKey, expectedAnswerMs, type HealthSnapshot, type HealthStore } from '../health.js';
import type { Requirements } from '../requirements.js';
import { expectedCostUsd } from './cost.js';
import { compareTies, type RoutingStrategy, type ScoredCandidate } from './strategy.js';

/** Tuning defaults of the latency strategy. */
export const LATENCY_DEFAULTS = Object.freeze({
  /** Share of requests that try the least recently seen deployment first: 5 %. */
  explorationShare: 0.05,
  /** Floor of the success rate the latency is divided by (a deployment failing half the time counts twice as slow). */
  minSuccessRate: 0.05,
});

export interface LatencyStrategyOptions {
  /** Uniform in [0, 1), injected so tests are deterministic. */
  random: () => number;
  explorationShare?: number;
}

/** Expected milliseconds to the end of the answer: TTFT + the expected output tokens after the first / output rate. */
export function expectedLatencyMs(health: HealthSnapshot, req: Requirements): number {
  return expectedAnswerMs(health.ttftMs, 1000 / health.outputTokensPerSecond, req.expectedOutputTokens);
}

/** What the latency and reliability strategies know about one candidate. */
export interface LatencyFigures {
  candidate: Candidate;
  snapshot: HealthSnapshot;
  /** {@link expectedLatencyMs}. */
  latencyMs: number;
  /** The latency divided by the success rate (floored at {@link LATENCY_DEFAULTS.minSuccessRate}). */
  penalizedMs: number;
  costUsd: number;
}

/** Reads one candidate's health and derives its latency figures. */
export function latencyFigures(candidate: Candidate, req: Requirements, health: HealthStore): LatencyFigures {
  const snapshot = health.snapshot(deploymentKey(candidate.deployment));
  const latencyMs = expectedLatencyMs(snapshot, req);
  const penalizedMs = latencyMs / Math.max(snapshot.successRate, LATENCY_DEFAULTS.minSuccessRate);
  return { candidate, snapshot, latencyMs, penalizedMs, costUsd: expectedCostUsd(candidate.model.pricing, req) };
}

/** The explain details of a candidate's figures. */
export function latencyDetails(f: LatencyFigures, explored: boolean): ScoredCandidate['details'] {
  return {
    latency_ms: f.latencyMs,
    ttft_ms: f.snapshot.ttftMs,
    tokens_per_second: f.snapshot.outputTokensPerSecond,
    success_rate: f.snapshot.successRate,
    evidence: f.snapshot.evidence,
    cost_usd: f.costUsd,
    explored,
  };
}

/** Lowest expected latency first (ties: cheaper, then model id and deployment order), plus exploration. */
export function createLatencyStrategy(options: LatencyStrategyOptions): RoutingStrategy {
  const share = options.explorationShare ?? LATENCY_DEFAULTS.explorationShare;
  const rank = (candidates: readonly Candidate[], req: Requirements, health: HealthStore): ScoredCandidate[] => {
    const figures = candidates.map((c) => latencyFigures(c, req, health));
    figures.sort((a, b) => a.penalizedMs - b.penalizedMs || a.costUsd - b.costUsd || compareTies(a.candidate, b.candidate));
    const target = leastRecentlySeen(figures);
    const explore = target > 0 && (figures[target]?.snapshot.lastSeenAt === undefined || options.random() < share);
    if (explore) figures.unshift(...figures.splice(target, 1));
    return figures.map((f, i) => ({ candidate: f.candidate, score: f.penalizedMs, details: latencyDetails(f, explore && i === 0) }));
  };
  return { name: 'latency', rank };
}

/** Index of the candidate seen longest ago (never seen counts as oldest); the better-ranked one among equals. */
function leastRecentlySeen(figures: readonly LatencyFigures[]): number {
  let best = 0;
  let bestSeen = Infinity;
  for (const [i, f] of figures.entries()) {
    const seen = f.snapshot.lastSeenAt ?? -Infinity;
    if (seen < bestSeen) {
      best = i;
      bestSeen = seen;
    }
  }
  return best;
}
