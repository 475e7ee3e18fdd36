/** @module The routing strategies, one per routing mode. */
import type { RoutingMode } from '../../core/chat-request.js';
import { costStrategy } from './cost.js';
import { createLatencyStrategy } from './latency.js';
import { reliabilityStrategy } from './reliability.js';
import type { RoutingStrategy } from './strategy.js';

export { costStrategy, expectedCostUsd } from './cost.js';
export { createLatencyStrategy, expectedLatencyMs, LATENCY_DEFAULTS, type LatencyStrategyOptions } from './latency.js';
export { reliabilityStrategy, SUCCESS_RATE_BAND } from './reliability.js';
export { compareTies, type RoutingStrategy, type ScoredCandidate, type StrategyName } from './strategy.js';
export { throughputStrategy } from './throughput.js';

export interface StrategyOptions {
  /** Uniform in [0, 1); drives the latency strategy's exploration. */
  random: () => number;
  /** Latency exploration share; defaults to `LATENCY_DEFAULTS.explorationShare`. */
  explorationShare?: number;
}

/** One strategy per routing mode. */
export function createStrategies(options: StrategyOptions): Readonly<Record<RoutingMode, RoutingStrategy>> {
  const latency = createLatencyStrategy({ random: options.random, explorationShare: options.explorationShare });
  return { cost: costStrategy, latency, reliability: reliabilityStrategy };
}
