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
 * - A `models` list (OpenRouter's fallback list, `model-list.ts`): the capable models' deployments, model by model in
 *   the listed order, minus open circuits; one attempt more per extra model than for one model.
 * - `provider` preferences (OpenRouter's, over the API key's defaults; `provider-preferences.ts`) narrow and order
 *   the deployments in every case: `only`, `ignore`, `max_price`, `require_parameters` filter (a 400 naming the field
 *   when nothing is left, `preference-filters.ts`); `sort` ranks (with `auto` it replaces the routing mode); `order`
 *   puts providers first; `allow_fallbacks: false` keeps the first choice only (or the `order` providers).
 * - The API key's model allow-list (`model-allow-list.ts`): a named model outside it is refused with 403, and `auto`
 *   chooses among the allowed models only.
 */
import type { ChatModelConfig, EmbeddingModelConfig, ModelConfig } from '../config/types.js';
import type { ChatCompletionRequest, ProviderPreferences, ProviderSortBy, RoutingMode } from '../core/chat-request.js';
import { GatewayError } from '../core/gateway-error.js';
import type { ModelPatterns } from '../core/model-patterns.js';
import { measurePrompt, type PromptSize } from '../metering/index.js';
import type { WireFormat } from '../providers/index.js';
import { requireEmbeddingModel, type Candidate, type Catalog } from './catalog.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { deploymentKey, type HealthStore, type SuccessSample } from './health.js';
import { allowedCatalog, refuseDisallowedModels } from './model-allow-list.js';
import { namedModels, noProviderFor, refuseImageForTextModel } from './model-list.js';
import { applyPreferences } from './preference-filters.js';
import {
  checkProviderPreferences,
  orderByProvider,
  ProviderDirectory,
  providerOf,
  resolvePreferences,
  type ResolvedPreferences,
} from './provider-preferences.js';
import { deriveRequirements, filterCatalog, noCapableModelError, unmetRequirement, type Exclusion, type Requirements } from './requirements.js';
import { costStrategy, createStrategies, throughputStrategy } from './strategies/index.js';
import type { RoutingStrategy, ScoredCandidate, StrategyName } from './strategies/strategy.js';

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

/** The ranking applied (a routing mode, or `provider.sort`'s); `explicit` when the request named its models. */
export type RouteMode = StrategyName | 'explicit';

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
  /** The API key's default `provider` preferences (checked when saved): the request's fields win, field by field. */
  providerDefaults?: ProviderPreferences | null;
  /** The models the API key may use; absent or null: every model. */
  allowedModels?: ModelPatterns | null;
}

/** Preferences that change nothing: how a `models` list routes when neither the request nor the key sets any. */
const NO_PREFERENCES: ResolvedPreferences = {
  order: [],
  only: undefined,
  ignore: new Set(),
  allowFallbacks: true,
  requireParameters: false,
  sort: undefined,
  maxPrice: undefined,
  fromKeyDefaults: new Set(),
};

/** Routes requests over the catalog with live health and circuit breakers. */
export class Router {
  private readonly strategies: Readonly<Record<RoutingMode, RoutingStrategy>>;
  /** The ranking of each `provider.sort`: price is cost mode's, latency is latency mode's (exploration included). */
  private readonly sorts: Readonly<Record<ProviderSortBy, RoutingStrategy>>;
  private readonly maxAttempts: number;
  private readonly defaultMode: RoutingMode;
  private readonly providers: ProviderDirectory;

  constructor(private readonly deps: RouterDeps) {
    this.strategies = deps.strategies ?? createStrategies({ random: deps.random, explorationShare: deps.explorationShare });
    this.sorts = { price: costStrategy, latency: this.strategies.latency, throughput: throughputStrategy };
    this.maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.defaultMode = deps.defaultMode ?? DEFAULT_ROUTING_MODE;
    this.providers = ProviderDirectory.of(deps.catalog.models);
  }

  /**
   * Routes a request, claiming the probe slot of any half-open circuit it hands out.
   * @param mode the API key's default mode; the body's `routing` wins over it, the router's default applies last.
   * @throws GatewayError 400 (unknown model, bad `models` or `provider`, nothing capable or allowed by the
   * preferences), 403 permission_denied (a model the key may not use) or 503 provider_unavailable (no provider,
   * circuits open).
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
    refuseDisallowedModels([requireEmbeddingModel(catalog.get(modelId), modelId)], options.allowedModels);
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
    const requested = req.provider === undefined ? undefined : checkProviderPreferences(req.provider, this.providers);
    const preferences = resolvePreferences(requested, options.providerDefaults);
    const named = namedModels(req, catalog);
    if (named === undefined) return this.auto(req, keyMode, options, allowedCatalog(catalog, options.allowedModels), preferences, claim);
    refuseDisallowedModels(named, options.allowedModels);
    const only = named.length === 1 ? named[0] : undefined;
    if (only !== undefined && preferences === undefined) return this.explicit(req, only, catalog, claim);
    return this.listed(req, named, options, catalog, preferences ?? NO_PREFERENCES, claim);
  }

  /** `model: "auto"`: every capable deployment, filtered by the preferences, ranked by the mode (or `provider.sort`). */
  private auto(
    req: ChatCompletionRequest,
    keyMode: RoutingMode | undefined,
    options: RouteOptions,
    catalog: Catalog,
    preferences: ResolvedPreferences | undefined,
    claim: boolean,
  ): RouteDecision {
    const sort = preferences?.sort;
    const strategy = sort === undefined ? this.strategies[this.resolveMode(req, keyMode)] : this.sorts[sort.by];
    const requirements = deriveRequirements(req, options.prompt ?? measurePrompt(req, this.deps.tokenizerMaxChars), catalog);
    const { capable: all, excluded } = filterCatalog(catalog, requirements, () => false);
    if (all.length === 0) throw noCapableModelError(catalog, requirements);
    const scope = 'the models able to serve this request';
    const allowed = preferences === undefined ? all : applyPreferences(all, preferences, { req, excluded, scope });
    const capable = this.withoutOpenCircuits(allowed, excluded);
    if (capable.length === 0) throw this.circuitOpen('every deployment able to serve this request', allowed);
    const ranked = strategy.rank(capable, requirements, this.deps.health, this.deps.now());
    const scored = orderByProvider(ranked, preferences?.order ?? [], (s) => providerOf(s.candidate));
    const firstOnly = preferences !== undefined && !preferences.allowFallbacks && preferences.order.length === 0;
    const limit = firstOnly ? 1 : this.maxAttempts;
    const candidates = this.select(scored, true, claim, excluded, limit);
    if (candidates.length === 0) throw this.circuitOpen('every deployment able to serve this request', capable);
    return { mode: strategy.name, candidates, scored, excluded, requirements };
  }

  /**
   * Named models (`model`, then `models`) with preferences: each model's deployments in configured order (or ranked
   * by `provider.sort`, within each model unless `partition: "none"`), `provider.order` first. With more than one
   * model, or `require_parameters`, a model unable to serve the request is left out as `auto` would leave it out.
   */
  private listed(
    req: ChatCompletionRequest,
    models: readonly ChatModelConfig[],
    options: RouteOptions,
    catalog: Catalog,
    preferences: ResolvedPreferences,
    claim: boolean,
  ): RouteDecision {
    const checkModels = models.length > 1 || preferences.requireParameters;
    const requirements =
      checkModels || preferences.sort !== undefined
        ? deriveRequirements(req, options.prompt ?? measurePrompt(req, this.deps.tokenizerMaxChars), catalog)
        : undefined;
    const first = models[0];
    if (!checkModels && first !== undefined) refuseImageForTextModel(first, req);
    const names = models.map((m) => `\`${m.id}\``).join(', ');
    const excluded: Exclusion[] = [];
    const all: Candidate[] = [];
    for (const model of models) {
      const unmet = checkModels && requirements !== undefined ? unmetRequirement(model, requirements) : undefined;
      const callable = catalog.callableCandidates(model);
      for (const deployment of model.deployments) {
        const candidate = callable.find((c) => c.deployment === deployment);
        if (unmet !== undefined) excluded.push({ model, deployment, reason: unmet });
        else if (candidate === undefined) excluded.push({ model, deployment, reason: 'provider_unconfigured' });
        else all.push(candidate);
      }
    }
    if (all.length === 0) {
      if (models.every((m) => catalog.callableCandidates(m).length === 0)) throw noProviderFor(models);
      throw noCapableModelError(catalog, requirements ?? deriveRequirements(req), models);
    }
    const allowed = applyPreferences(all, preferences, { req, excluded, scope: names });
    const capable = this.withoutOpenCircuits(allowed, excluded);
    if (capable.length === 0) throw this.circuitOpen(`every deployment of ${names}`, allowed);
    const scored = this.arrange(capable, models, preferences, requirements);
    const candidates =
      preferences.allowFallbacks || preferences.order.length > 0
        ? this.select(scored, false, claim, excluded, this.maxAttempts + models.length - 1)
        : this.firstOfEachModel(scored, claim, excluded);
    if (candidates.length === 0) throw this.circuitOpen(`every deployment of ${names}`, capable);
    return { mode: 'explicit', candidates, scored, excluded, requirements };
  }

  /** Named models' deployments in attempt order: by model (unless `partition: "none"`), sorted, `order` first. */
  private arrange(
    capable: readonly Candidate[],
    models: readonly ChatModelConfig[],
    preferences: ResolvedPreferences,
    requirements: Requirements | undefined,
  ): ScoredCandidate[] {
    const { sort, order } = preferences;
    const parts = sort?.partition === 'none' ? [capable] : models.map((m) => capable.filter((c) => c.model.id === m.id));
    const scored: ScoredCandidate[] = [];
    for (const part of parts) {
      const ranked =
        sort === undefined || requirements === undefined
          ? part.map((candidate): ScoredCandidate => ({ candidate, score: 0, details: {} }))
          : this.sorts[sort.by].rank(part, requirements, this.deps.health, this.deps.now());
      scored.push(...orderByProvider(ranked, order, (s) => providerOf(s.candidate)));
    }
    return sort === undefined ? scored.map((s, i) => ({ candidate: s.candidate, score: i, details: { order: i + 1 } })) : scored;
  }

  /** `allow_fallbacks: false` without `order`: each model's first choice only (one that may be attempted now). */
  private firstOfEachModel(scored: readonly ScoredCandidate[], claim: boolean, excluded: Exclusion[]): Candidate[] {
    const chosen: Candidate[] = [];
    const done = new Set<string>();
    for (const { candidate } of scored) {
      if (done.has(candidate.model.id)) continue;
      if (this.admit(candidate, claim, excluded)) {
        chosen.push(candidate);
        done.add(candidate.model.id);
      }
    }
    return chosen;
  }

  /** The candidates whose circuit is not open; the others are recorded as excluded. */
  private withoutOpenCircuits(candidates: readonly Candidate[], excluded: Exclusion[]): Candidate[] {
    const kept: Candidate[] = [];
    for (const candidate of candidates) {
      if (this.deps.breakers.state(deploymentKey(candidate.deployment)) === 'open') excluded.push(circuitExclusion(candidate));
      else kept.push(candidate);
    }
    return kept;
  }

  /** One named model without preferences: its deployments in configured order, minus open circuits. */
  private explicit(req: ChatCompletionRequest, model: ChatModelConfig, catalog: Catalog, claim: boolean): RouteDecision {
    refuseImageForTextModel(model, req);
    return this.explicitModel(req.model, catalog.candidatesFor(req.model), claim);
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

  /** Takes up to `limit` in rank order, one per provider first when `diverse`; claims half-open probes. */
  private select(scored: readonly ScoredCandidate[], diverse: boolean, claim: boolean, excluded: Exclusion[], limit = this.maxAttempts): Candidate[] {
    const chosen: Candidate[] = [];
    const providers = new Set<string>();
    const deferred: Candidate[] = [];
    for (const { candidate } of scored) {
      if (chosen.length >= limit) break;
      if (diverse && providers.has(candidate.deployment.provider)) deferred.push(candidate);
      else if (this.admit(candidate, claim, excluded)) {
        chosen.push(candidate);
        providers.add(candidate.deployment.provider);
      }
    }
    for (const candidate of deferred) {
      if (chosen.length >= limit) break;
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
