/**
 * @module The JSON body of `/v1/routing/explain`: a route decision with the candidates in attempt order, their
 * scores and figures, and why every other deployment was left out. Built from a `Router.preview` decision, so
 * explaining calls no upstream and changes no circuit.
 */
import type { Candidate } from './catalog.js';
import { describeExclusion, type ExclusionReason, type Requirements } from './requirements.js';
import type { RouteDecision, RouteMode } from './router.js';

/** One ranked candidate. `attempt` is its place in the failover list (1 = first choice), null if not in it. */
export interface ExplainedCandidate {
  model: string;
  provider: string;
  upstream_model: string;
  attempt: number | null;
  score: number;
  details: Record<string, number | boolean>;
}

/** One deployment left out. */
export interface ExplainedExclusion {
  model: string;
  provider: string;
  upstream_model: string;
  reason: ExclusionReason;
  detail: string;
}

/** What `/v1/routing/explain` returns. */
export interface RouteExplanation {
  mode: RouteMode;
  requirements: {
    prompt_tokens: number;
    max_output_tokens: number | null;
    expected_output_tokens: number;
    context_tokens: number;
    vision: boolean;
    tools: boolean;
  } | null;
  candidates: ExplainedCandidate[];
  excluded: ExplainedExclusion[];
}

const NOT_ATTEMPTED = Number.MAX_SAFE_INTEGER;

/** Turns a decision into its explanation; attempted candidates come first, in attempt order, then the rest by rank. */
export function explainRoute(decision: RouteDecision): RouteExplanation {
  const attemptOf = new Map<Candidate, number>(decision.candidates.map((c, i) => [c, i + 1]));
  const candidates = decision.scored.map(
    ({ candidate, score, details }): ExplainedCandidate => ({
      model: candidate.model.id,
      provider: candidate.deployment.provider,
      upstream_model: candidate.deployment.model,
      attempt: attemptOf.get(candidate) ?? null,
      score: round(score),
      details: Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
    }),
  );
  candidates.sort((a, b) => (a.attempt ?? NOT_ATTEMPTED) - (b.attempt ?? NOT_ATTEMPTED));
  const excluded = decision.excluded.map(
    (e): ExplainedExclusion => ({
      model: e.model.id,
      provider: e.deployment.provider,
      upstream_model: e.deployment.model,
      reason: e.reason,
      detail: describeExclusion(e, decision.requirements),
    }),
  );
  return { mode: decision.mode, requirements: explainRequirements(decision.requirements), candidates, excluded };
}

function explainRequirements(req: Requirements | undefined): RouteExplanation['requirements'] {
  if (req === undefined) return null;
  return {
    prompt_tokens: req.promptTokens,
    max_output_tokens: req.maxOutputTokens ?? null,
    expected_output_tokens: req.expectedOutputTokens,
    context_tokens: req.contextTokens,
    vision: req.vision,
    tools: req.tools,
  };
}

/** Six significant digits: enough to compare, short enough to read. */
function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}
