/**
 * @module Throughput ranking, for `provider.sort: "throughput"` (OpenRouter's): the highest output rate first, as the
 * health store has learned it (streamed and non-streamed calls alike, see `health.ts`); a deployment not yet
 * measured counts at the prior rate. Not a `routing` mode of its own: a request asks for it through `provider.sort`.
 */
import type { Candidate } from '../catalog.js';
import type { HealthStore } from '../health.js';
import type { Requirements } from '../requirements.js';
import { latencyDetails, latencyFigures } from './latency.js';
import { compareTies, type RoutingStrategy, type ScoredCandidate } from './strategy.js';

function rankByThroughput(candidates: readonly Candidate[], req: Requirements, health: HealthStore): ScoredCandidate[] {
  const figures = candidates.map((c) => latencyFigures(c, req, health));
  figures.sort(
    (a, b) =>
      b.snapshot.outputTokensPerSecond - a.snapshot.outputTokensPerSecond ||
      a.latencyMs - b.latencyMs ||
      a.costUsd - b.costUsd ||
      compareTies(a.candidate, b.candidate),
  );
  return figures.map((f) => ({ candidate: f.candidate, score: f.snapshot.outputTokensPerSecond, details: latencyDetails(f, false) }));
}

/** Most output tokens per second first; ties by expected latency, then cost, then model id and deployment order. */
export const throughputStrategy: RoutingStrategy = { name: 'throughput', rank: rankByThroughput };
