/**
 * @module The public provider status (`GET /api/status`): per provider, derived from the router's live health
 * stats and circuit breakers over the provider's deployments. A provider without a credential is `down`; one whose
 * every circuit is open is `down`; one with an open circuit or a recent success rate under 90 % is `degraded`.
 */
import type { Static } from '@sinclair/typebox';
import type { ModelConfig, ProviderConfig } from '../../../config/types.js';
import type { CircuitBreakers } from '../../../routing/circuit-breaker.js';
import { deploymentKey, HEALTH_DEFAULTS, type HealthStore } from '../../../routing/health.js';
import type { ProviderStatus as ProviderStatusSchema, StatusAnswer } from './schemas.js';

/** One provider's line on the status page (its fields are documented on the schema). */
export type ProviderStatus = Static<typeof ProviderStatusSchema>;

/** The whole status page. */
export type StatusReport = Static<typeof StatusAnswer>;

/** What the status is computed from. */
export interface StatusSources {
  /** The providers as the router sees them (simulated ones pointed at the simulator). */
  providers: Readonly<Record<string, ProviderConfig>>;
  models: readonly ModelConfig[];
  simulated: readonly string[];
  health: HealthStore;
  breakers: CircuitBreakers;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** A success rate under this, over at least {@link MIN_OUTCOMES} calls, makes a provider `degraded`. */
const DEGRADED_BELOW = 0.9;
const MIN_OUTCOMES = 5;

/** Builds the function `GET /api/status` answers with; each call reads the live stats. */
export function createStatusProvider(sources: StatusSources): () => StatusReport {
  const simulated = new Set(sources.simulated);
  const deployments = new Map<string, string[]>();
  for (const model of sources.models) {
    for (const deployment of model.deployments) {
      const keys = deployments.get(deployment.provider) ?? [];
      keys.push(deploymentKey(deployment));
      deployments.set(deployment.provider, keys);
    }
  }
  return () => ({
    providers: Object.values(sources.providers).map((provider) =>
      providerStatus(provider, deployments.get(provider.id) ?? [], simulated.has(provider.id), sources),
    ),
    updated_at: new Date(sources.now()).toISOString(),
  });
}

function providerStatus(provider: ProviderConfig, keys: readonly string[], simulated: boolean, sources: StatusSources): ProviderStatus {
  let outcomes = 0;
  let successes = 0;
  let ttftWeighted = 0;
  let evidence = 0;
  let open = 0;
  for (const key of keys) {
    const snapshot = sources.health.snapshot(key);
    outcomes += snapshot.outcomes;
    // The snapshot's rate is smoothed toward a prior; undo that to report what actually happened.
    const prior = HEALTH_DEFAULTS.successPrior * HEALTH_DEFAULTS.successPriorWeight;
    successes += Math.round(snapshot.successRate * (snapshot.outcomes + HEALTH_DEFAULTS.successPriorWeight) - prior);
    ttftWeighted += snapshot.ttftMs * snapshot.evidence;
    evidence += snapshot.evidence;
    if (sources.breakers.state(key) !== 'closed') open += 1;
  }
  const configured = provider.apiKey !== undefined && provider.apiKey !== '';
  const successRate = outcomes === 0 ? null : Math.min(1, Math.max(0, successes / outcomes));
  let state: ProviderStatus['state'] = 'up';
  if (!configured || (keys.length > 0 && open === keys.length)) state = 'down';
  else if (open > 0 || (successRate !== null && outcomes >= MIN_OUTCOMES && successRate < DEGRADED_BELOW)) state = 'degraded';
  return {
    id: provider.id,
    state,
    success_rate: successRate === null ? null : Math.round(successRate * 1000) / 1000,
    ttft_ms: evidence > 0 ? Math.round(ttftWeighted / evidence) : null,
    recent_requests: outcomes,
    configured,
    simulated,
  };
}
