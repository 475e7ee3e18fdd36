/**
 * @module The routing-strategy contract: rank the capable candidates of a `model: "auto"` request, best first.
 * Every implementation passes `strategy.contract.test.ts`.
 */
import type { RoutingMode } from '../../core/chat-request.js';
import type { Candidate } from '../catalog.js';
import type { HealthStore } from '../health.js';
import type { Requirements } from '../requirements.js';

/** A candidate with the figures its strategy ranked it by. */
export interface ScoredCandidate {
  candidate: Candidate;
  /** The strategy's primary figure: expected USD (cost), expected ms (latency), success rate (reliability). */
  score: number;
  /** The figures behind the rank, snake_case as `/v1/routing/explain` shows them. */
  details: Readonly<Record<string, number | boolean>>;
}

/** What a strategy ranks by: a routing mode, or throughput (asked for with `provider.sort` only). */
export type StrategyName = RoutingMode | 'throughput';

/** Orders capable candidates for one routing mode. Pure apart from the health reads and an injected random. */
export interface RoutingStrategy {
  readonly name: StrategyName;
  /**
   * Every candidate exactly once, best first.
   * @param now milliseconds since the epoch, from the router's injected clock.
   */
  rank(candidates: readonly Candidate[], requirements: Requirements, health: HealthStore, now: number): ScoredCandidate[];
}

/** The deterministic last tie-break of every strategy: model id, then the deployment's configured order. */
export function compareTies(a: Candidate, b: Candidate): number {
  if (a.model.id !== b.model.id) return a.model.id < b.model.id ? -1 : 1;
  return a.model.deployments.indexOf(a.deployment) - b.model.deployments.indexOf(b.deployment);
}
