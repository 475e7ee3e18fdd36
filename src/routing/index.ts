/**
 * @module Routing, seen from outside: the {@link Catalog} of models and the deployments that serve them (a
 * `Candidate` is one deployment that can be attempted, and {@link targetOf} where it is called); the {@link Router},
 * which orders a request's candidates by its routing mode and the deployments' health and is told what each attempt
 * did (`AttemptOutcome`); the health store and circuit breakers it reads (in memory here, shared through Redis in
 * `redis/`); a route's explanation for the dashboard; and the checks of a key's model allow-list and of a key's or
 * request's provider preferences.
 */
export { Catalog, isChatModel, requireChatModel, requireEmbeddingModel, type Candidate } from './catalog.js';
export {
  BREAKER_DEFAULTS,
  InMemoryCircuitBreakers,
  type CircuitBreakerOptions,
  type CircuitBreakers,
  type CircuitState,
} from './circuit-breaker.js';
export { explainRoute, type RouteExplanation } from './explain.js';
export {
  deploymentKey,
  HEALTH_DEFAULTS,
  InMemoryHealthStore,
  type FailureSample,
  type HealthSnapshot,
  type HealthStore,
  type SuccessSample,
} from './health.js';
export { checkAllowedModels, isAllowedModel } from './model-allow-list.js';
export { checkProviderPreferences, ProviderDirectory } from './provider-preferences.js';
export {
  AUTO_MODEL,
  DEFAULT_ROUTING_MODE,
  Router,
  type AttemptOutcome,
  type RouteDecision,
  type RouteMode,
  type RouteOptions,
  type RouterDeps,
} from './router.js';
export { targetOf } from './upstream-target.js';
