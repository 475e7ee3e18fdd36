/**
 * @module Cost mode: cheapest expected cost first.
 */
import type { ModelPricing } from '../../config/types.js';
import type { Candidate } from '../catalog.js';
import type { Requirements } from '../requirements.js';
import { compareTies, type RoutingStrategy, type ScoredCandidate } from './strategy.js';

/**
 * Expected USD of the request on a model at list prices: prompt tokens × input price + expected output tokens ×
 * output price. Cached-input discounts are ignored: whether a prompt hits a provider's cache is not known up front.
 */
export function expectedCostUsd(pricing: ModelPricing, req: Requirements): number {
  return (req.promptTokens * pricing.input_per_million + req.expectedOutputTokens * pricing.output_per_million) / 1e6;
}

function rankByCost(candidates: readonly Candidate[], req: Requirements): ScoredCandidate[] {
  const scored = candidates.map((candidate): ScoredCandidate => {
    const costUsd = expectedCostUsd(candidate.model.pricing, req);
    return { candidate, score: costUsd, details: { cost_usd: costUsd } };
  });
  return scored.sort((a, b) => a.score - b.score || compareTies(a.candidate, b.candidate));
}

/** Cheapest expected cost first; equal costs by model id, then deployment order. */
export const costStrategy: RoutingStrategy = { name: 'cost', rank: rankByCost };
