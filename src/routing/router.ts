/**
 * @module The router: turns a request into the ordered, bounded list of deployments the gateway attempts, and
 * takes back each attempt's outcome to update health and circuit breakers. No I/O; clock and random are injected.
 *
 * - `model: "auto"`: derive the requirements, filter the catalog, rank with the mode's strategy, then take up to
 *   `maxAttempts` candidates, preferring one deployment per provider so a provider-wide outage cannot exhaust
 *   every attempt (the rest follow in rank order when there are fewer providers than attempts).
 * - An explicit model: its deployments in configured order, minus open circuits; 503 when all are open. A chat
 *   request naming an embedding model is a 400; `/v1/embeddings` routes with {@link Router.routeEmbedding}, over the
 *   named embedding model's deployments only (failover never changes the model: vectors would not be comparable).
 */
import type { EmbeddingModelConfig, ModelConfig } from '../config/types.js';
import type { ChatCompletionRequest, RoutingMode } from '../core/chat-request.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';
import { measurePrompt, type PromptSize } from '../metering/token-count.js';
import type { WireFormat } from '../providers/types.js';
import { requireChatModel, requireEmbeddingModel, type Candidate, type Catalog } from './catalog.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { deploymentKey, type HealthStore, type SuccessSample } from './health.js';
import { deriveRequirements, filterCatalog, hasImage, noCapableModelError, type Exclusion, type Requirements } from './requirements.js';
import { createStrategies } from './strategies/index.js';
import type { RoutingStrategy, ScoredCandidate } from './strategies/strategy.js';

/** The model id that asks for smart routing. */
export const AUTO_MODEL = 'auto';
/** Deployments handed to the gateway per request: the first choice and up to two failovers. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** The mode used when neither the request body nor the API key names one. */
export const DEFAULT_ROUTING_MODE: RoutingMode = 'cost';

export interface RouterDeps {
  catalog: Catalog;
  health: HealthStore;
  breakers: CircuitBreakers;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Defaults to {@link DEFAULT_ROUTING_MODE}. */
  defaultMode?: RoutingMode;
  /** Defaults to {@link DEFAULT_MAX_ATTEMPTS}. */
  maxAttempts?: number;
  /** Latency-mode exploration share; defaults to `LATENCY_DEFAULTS.explorationShare`. */
  explorationShare?: number;
  /** Characters of a prompt the tokenizer may count when the caller passes no measured prompt (`requests.tokenizerMaxChars`). */
  tokenizerMaxChars?: number;
  /** Replaces the built-in strategies (tests). */
  strategies?: Readonly<Record<RoutingMode, RoutingStrategy>>;
}

/** The routing mode applied; `explicit` when the request named a model. */
export type RouteMode = RoutingMode | 'explicit';

/** The outcome of routing one request. */
export interface RouteDecision {
  mode: RouteMode;
  /** What the gateway attempts, in order (at most `maxAttempts`). */
  candidates: Candidate[];
  /** Every usable candidate, ranked, with its figures (a superset of `candidates`). */
  scored: ScoredCandidate[];
  /** Deployments left out, and why. */
  excluded: Exclusion[];
  /** What the request needs; undefined for an explicit model (not derived). */
  requirements: Requirements | undefined;
}

/** What one attempt did, reported back with {@link Router.report}: a success's timings, or a failure. */
export type AttemptOutcome = ({ ok: true } & SuccessSample) | { ok: false; retryable: boolean };

export interface RouteOptions {
  /** The prompt's size, when the caller already measured it (the chat route does, for admission). */
  prompt?: PromptSize;
  /** The account's own provider keys (BYOK), by provider id: used instead of the gateway's, marked `byok`. */
  providerKeys?: ReadonlyMap<string, string>;
}

/** Routes requests over the catalog with live health and circuit breakers. */
export class Router {
  private readonly strategies: Readonly<Record<RoutingMode, RoutingStrategy>>;
  private readonly maxAttempts: number;
  private readonly defaultMode: RoutingMode;

  constructor(private readonly deps: RouterDeps) {
    this.strategies = deps.strategies ?? createStrategies({ random: deps.random, explorationShare: deps.explorationShare });
    this.maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.defaultMode = deps.defaultMode ?? DEFAULT_ROUTING_MODE;
  }

  /**
   * Routes a request, claiming the probe slot of any half-open circuit it hands out.
   * @param mode the API key's default mode; the body's `routing` wins over it, the router's default applies last.
   * @throws GatewayError 400 (unknown model, nothing capable) or 503 provider_unavailable (no provider, circuits open).
   */
  route(req: ChatCompletionRequest, mode?: RoutingMode, options: RouteOptions = {}): RouteDecision {
    return this.decide(req, mode, options, true);
  }

  /** Like {@link route} but without side effects on the breakers: for `/v1/routing/explain`. */
  preview(req: ChatCompletionRequest, mode?: RoutingMode, options: RouteOptions = {}): RouteDecision {
    return this.decide(req, mode, options, false);
  }

  /**
   * The embedding model a `/v1/embeddings` request names, for validating the request against it before routing.
   * @throws GatewayError 400 naming `model`: unknown, `"auto"`, or a chat model.
   */
  embeddingModel(modelId: string): EmbeddingModelConfig {
    return requireEmbeddingModel(this.deps.catalog.get(modelId), modelId);
  }

  /**
   * The catalog model a name (a catalog id or an alias) stands for, and the wire formats its deployments speak; undefined
   * for an unknown name and for `"auto"`. For a front door that must judge a request against its model before routing.
   */
  lookup(name: string): { model: ModelConfig; formats: ReadonlySet<WireFormat> } | undefined {
    const model = this.deps.catalog.get(name);
    return model === undefined ? undefined : { model, formats: this.deps.catalog.wireFormatsOf(model) };
  }

  /**
   * Routes a `/v1/embeddings` request: the embedding model's deployments in configured order, minus open circuits,
   * claiming half-open probes (as {@link route} does for an explicit chat model).
   * @throws GatewayError 400 naming `model` (see {@link embeddingModel}), 503 provider_unavailable (no provider, circuits open).
   */
  routeEmbedding(modelId: string, options: RouteOptions = {}): RouteDecision {
    const catalog = this.catalogFor(options);
    requireEmbeddingModel(catalog.get(modelId), modelId);
    return this.explicitModel(modelId, catalog.candidatesFor(modelId), true);
  }

  /** The mode a request is routed with: body `routing`, else `keyMode`, else the router's default. */
  resolveMode(req: ChatCompletionRequest, keyMode?: RoutingMode): RoutingMode {
    return req.routing ?? keyMode ?? this.defaultMode;
  }

  /**
   * Records an attempt's outcome. A retryable failure counts against the deployment's health and circuit; a
   * non-retryable one (the upstream answered, the request was at fault) closes the circuit like a success.
   * Do not report attempts the client aborted: they say nothing about the deployment.
   */
  report(candidate: Candidate, outcome: AttemptOutcome): void {
    const key = deploymentKey(candidate.deployment);
    if (outcome.ok) {
      this.deps.health.recordSuccess(key, outcome);
      this.deps.breakers.onSuccess(key);
      return;
    }
    this.deps.health.recordFailure(key, { retryable: outcome.retryable });
    if (outcome.retryable) this.deps.breakers.onFailure(key);
    else this.deps.breakers.onSuccess(key);
  }

  /** The catalog as the account sees it: its own provider keys (BYOK) replace the gateway's. */
  private catalogFor(options: RouteOptions): Catalog {
    return options.providerKeys !== undefined && options.providerKeys.size > 0
      ? this.deps.catalog.withProviderKeys(options.providerKeys)
      : this.deps.catalog;
  }

  private decide(req: ChatCompletionRequest, keyMode: RoutingMode | undefined, options: RouteOptions, claim: boolean): RouteDecision {
    const catalog = this.catalogFor(options);
    if (req.model !== AUTO_MODEL) return this.explicit(req, catalog, claim);
    const mode = this.resolveMode(req, keyMode);
    const requirements = deriveRequirements(req, options.prompt ?? measurePrompt(req, this.deps.tokenizerMaxChars), catalog);
    const { breakers, health } = this.deps;
    const { capable, excluded } = filterCatalog(catalog, requirements, (key) => breakers.state(key) === 'open');
    if (capable.length === 0) throw noCapableModelError(catalog, requirements);
    const scored = this.strategies[mode].rank(capable, requirements, health, this.deps.now());
    const candidates = this.select(scored, true, claim, excluded);
    if (candidates.length === 0) throw this.circuitOpen('every deployment able to serve this request', capable);
    return { mode, candidates, scored, excluded, requirements };
  }

  private explicit(req: ChatCompletionRequest, catalog: Catalog, claim: boolean): RouteDecision {
    const modelId = req.model;
    const model = catalog.get(modelId);
    if (model !== undefined) requireChatModel(model);
    const all = catalog.candidatesFor(modelId);
    if (all[0] !== undefined && !all[0].model.capabilities.vision && hasImage(req)) {
      throw invalidRequest(`The model \`${modelId}\` does not support image input; choose a vision model or "auto".`, 'messages');
    }
    return this.explicitModel(modelId, all, claim);
  }

  /** A named model's deployments (`all`, in configured order) minus open circuits. */
  private explicitModel(modelId: string, all: readonly Candidate[], claim: boolean): RouteDecision {
    const excluded: Exclusion[] = [];
    const scored: ScoredCandidate[] = [];
    for (const candidate of all) {
      if (this.deps.breakers.state(deploymentKey(candidate.deployment)) === 'open') excluded.push(circuitExclusion(candidate));
      else scored.push({ candidate, score: scored.length, details: { order: scored.length + 1 } });
    }
    const candidates = this.select(scored, false, claim, excluded);
    if (candidates.length === 0) throw this.circuitOpen(`every deployment of ${modelId}`, all);
    return { mode: 'explicit', candidates, scored, excluded, requirements: undefined };
  }

  /** Takes up to `maxAttempts` in rank order, one per provider first when `diverse`; claims half-open probes. */
  private select(scored: readonly ScoredCandidate[], diverse: boolean, claim: boolean, excluded: Exclusion[]): Candidate[] {
    const chosen: Candidate[] = [];
    const providers = new Set<string>();
    const deferred: Candidate[] = [];
    for (const { candidate } of scored) {
      if (chosen.length >= this.maxAttempts) break;
      if (diverse && providers.has(candidate.deployment.provider)) deferred.push(candidate);
      else if (this.admit(candidate, claim, excluded)) {
        chosen.push(candidate);
        providers.add(candidate.deployment.provider);
      }
    }
    for (const candidate of deferred) {
      if (chosen.length >= this.maxAttempts) break;
      if (this.admit(candidate, claim, excluded)) chosen.push(candidate);
    }
    return chosen;
  }

  private admit(candidate: Candidate, claim: boolean, excluded: Exclusion[]): boolean {
    if (!claim || this.deps.breakers.canAttempt(deploymentKey(candidate.deployment))) return true;
    excluded.push(circuitExclusion(candidate));
    return false;
  }

  private circuitOpen(what: string, candidates: readonly Candidate[]): GatewayError {
    const now = this.deps.now();
    const retryAts = candidates.map((c) => this.deps.breakers.retryAt(deploymentKey(c.deployment)) ?? now);
    const waitMs = Math.max(0, Math.min(...retryAts) - now);
    const names = candidates.map((c) => deploymentKey(c.deployment)).join(', ');
    return new GatewayError(
      503,
      'provider_unavailable',
      `The circuit is open for ${what} (${names}) after repeated failures; retry in ${Math.ceil(waitMs / 1000)} s.`,
      { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
    );
  }
}

function circuitExclusion(candidate: Candidate): Exclusion {
  return { model: candidate.model, deployment: candidate.deployment, reason: 'circuit_open' };
}
