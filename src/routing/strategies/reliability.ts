/**
 * @module Reliability mode: highest recent success rate first, then lowest expected latency.
 *
 * Success rates are compared in bands of 5 points so that sampling noise (0.97 vs 0.98) does not outweigh a large
 * latency difference, while a deployment failing 30 % of the time still sorts well below a clean one.
 */
import type { Candidate } from '../catalog.js';
import type { HealthStore } from '../health.js';
import type { Requirements } from '../requirements.js';
import { latencyDetails, latencyFigures } from './latency.js';
import { compareTies, type RoutingStrategy, type ScoredCandidate } from './strategy.js';

/** Width of a success-rate band: rates within the same 5-point band count as equal. */
export const SUCCESS_RATE_BAND = 0.05;

/** The band index of a success rate (higher is better). */
export function successBand(rate: number): number {
  return Math.floor(rate / SUCCESS_RATE_BAND + 1e-9);
}

function rankByReliability(candidates: readonly Candidate[], req: Requirements, health: HealthStore): ScoredCandidate[] {
  const figures = candidates.map((c) => {
    const f = latencyFigures(c, req, health);
    return { f, band: successBand(f.snapshot.successRate) };
  });
  figures.sort((a, b) => b.band - a.band || a.f.latencyMs - b.f.latencyMs || a.f.costUsd - b.f.costUsd || compareTies(a.f.candidate, b.f.candidate));
  return figures.map(({ f }) => ({ candidate: f.candidate, score: f.snapshot.successRate, details: latencyDetails(f, false) }));
}

/** Highest success-rate band first, then expected latency, then cost, then model id and deployment order. */
export const reliabilityStrategy: RoutingStrategy = { name: 'reliability', rank: rankByReliability };
