/**
 * @module The model catalog: the configured models, the other names they answer to (`modelAliases`), and which of
 * their deployments can be called right now.
 */
import type { ChatModelConfig, Deployment, EmbeddingModelConfig, ModelConfig, ProviderConfig } from '../config/types.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';
import type { WireFormat } from '../providers/index.js';
import { AUTO_MODEL } from './router.js';

/** One deployment that can be attempted: the model, where it is served, and the provider to call. */
export interface Candidate {
  model: ModelConfig;
  /** Which provider (`deployment.provider`, its id) serves which upstream model. */
  deployment: Deployment;
  /** That provider's config (wire format, base URL) with the key this call uses. */
  providerConfig: ProviderConfig & { apiKey: string };
  /** True when the call uses the account's own provider key (BYOK) rather than the gateway's. */
  byok?: boolean;
}

/** Whether `model` answers chat completions (every model but an embedding one). */
export function isChatModel(model: ModelConfig): model is ChatModelConfig {
  return model.kind !== 'embedding';
}

/** 400 naming `model` when a chat completion names an embedding model. */
export function requireChatModel(model: ModelConfig): ChatModelConfig {
  if (isChatModel(model)) return model;
  throw invalidRequest(`The model \`${model.id}\` is an embedding model: use it with POST /v1/embeddings, or choose a chat model.`, 'model');
}

/**
 * The embedding model a `/v1/embeddings` request names, given what the catalog holds under that id. Each refusal is
 * a 400 naming `model`: an unknown id; `"auto"` (vectors of different models are not comparable, so the model must be
 * chosen by the client); a chat model.
 */
export function requireEmbeddingModel(model: ModelConfig | undefined, modelId: string): EmbeddingModelConfig {
  if (model?.kind === 'embedding') return model;
  if (modelId === AUTO_MODEL) {
    throw invalidRequest(
      'Embeddings need an explicit embedding model: vectors of different models are not comparable, so "auto" cannot choose one.',
      'model',
    );
  }
  if (model === undefined) {
    throw invalidRequest(`The model \`${modelId}\` does not exist. GET /v1/models lists the available models.`, 'model');
  }
  throw invalidRequest(
    `The model \`${modelId}\` is a chat model: POST /v1/embeddings needs an embedding model (GET /v1/models lists each model's kind).`,
    'model',
  );
}

export class Catalog {
  private readonly byId: Map<string, ModelConfig>;
  /** candidatesFor's answers: the catalog never changes, so each model's list is built once. */
  private readonly candidates = new Map<string, readonly Candidate[]>();
  /** The models that answer chat completions: the only ones `model: "auto"` considers. */
  readonly chatModels: readonly ChatModelConfig[];
  /** The smallest context window of any chat model, in tokens: a prompt that surely fits it fits every model. */
  readonly smallestContext: number;
  /** The largest context window of any chat model: a request that surely overflows it fits no model. */
  readonly largestContext: number;
  /** The largest output limit of any chat model: a larger `max_tokens` fits no model. */
  readonly largestOutput: number;

  /**
   * @param aliases other names for catalog models (alias → catalog id, checked by the config loader): a request may
   * name a model either way, and answers and the ledger then report the catalog id.
   */
  constructor(
    readonly models: readonly ModelConfig[],
    private readonly providers: Readonly<Record<string, ProviderConfig>>,
    private readonly byokProviders: ReadonlySet<string> = new Set(),
    private readonly aliases: Readonly<Record<string, string>> = {},
  ) {
    this.byId = new Map(models.map((m) => [m.id, m]));
    for (const [alias, id] of Object.entries(aliases)) {
      const model = this.byId.get(id);
      if (model !== undefined && !this.byId.has(alias)) this.byId.set(alias, model);
    }
    this.chatModels = models.filter(isChatModel);
    this.smallestContext = Math.min(...this.chatModels.map((m) => m.context_length));
    this.largestContext = Math.max(...this.chatModels.map((m) => m.context_length));
    this.largestOutput = Math.max(...this.chatModels.map((m) => m.max_output_tokens));
  }

  /**
   * The same catalog seen by an account with its own provider keys (BYOK): those providers use the account's key,
   * become callable even without a gateway key, and their candidates are marked `byok`.
   */
  withProviderKeys(keys: ReadonlyMap<string, string>): Catalog {
    const providers: Record<string, ProviderConfig> = { ...this.providers };
    const byok = new Set<string>();
    for (const [id, apiKey] of keys) {
      const provider = providers[id];
      if (provider === undefined) continue;
      providers[id] = { ...provider, apiKey };
      byok.add(id);
    }
    return new Catalog(this.models, providers, byok, this.aliases);
  }

  /** The same catalog limited to the models `keep` accepts (an API key's allow-list): `auto` considers only those. */
  restrictedTo(keep: (model: ModelConfig) => boolean): Catalog {
    return new Catalog(this.models.filter(keep), this.providers, this.byokProviders, this.aliases);
  }

  /** The model a catalog id or an alias names. */
  get(id: string): ModelConfig | undefined {
    return this.byId.get(id);
  }

  /** The wire formats the model's deployments speak, whether or not they can be called now. */
  wireFormatsOf(model: ModelConfig): ReadonlySet<WireFormat> {
    const formats = new Set<WireFormat>();
    for (const deployment of model.deployments) {
      const format = this.providers[deployment.provider]?.format;
      if (format !== undefined) formats.add(format);
    }
    return formats;
  }

  /** Whether a provider has a credential, i.e. can be called at all. */
  isAvailable(providerId: string): boolean {
    const key = this.providers[providerId]?.apiKey;
    return key !== undefined && key !== '';
  }

  /** The deployments of a model that have a credential, in configured order; empty when none has. */
  callableCandidates(model: ModelConfig): readonly Candidate[] {
    return model.deployments.some((d) => this.isAvailable(d.provider)) ? this.candidatesFor(model.id) : [];
  }

  /**
   * The deployments of an explicitly named model, in configured order, that have a credential.
   * Unknown model → 400 naming the field; known but no usable provider → 503 provider_unavailable.
   */
  candidatesFor(modelId: string): readonly Candidate[] {
    let candidates = this.candidates.get(modelId);
    if (candidates === undefined) {
      candidates = this.buildCandidates(modelId);
      this.candidates.set(modelId, candidates);
    }
    return candidates;
  }

  private buildCandidates(modelId: string): Candidate[] {
    const model = this.byId.get(modelId);
    if (model === undefined) {
      throw invalidRequest(`The model \`${modelId}\` does not exist. GET /v1/models lists the available models.`, 'model');
    }
    const candidates: Candidate[] = [];
    for (const deployment of model.deployments) {
      const provider = this.providers[deployment.provider];
      if (provider?.apiKey) {
        const candidate: Candidate = { model, deployment, providerConfig: { ...provider, apiKey: provider.apiKey } };
        if (this.byokProviders.has(deployment.provider)) candidate.byok = true;
        candidates.push(candidate);
      }
    }
    if (candidates.length === 0) {
      const names = model.deployments.map((d) => d.provider).join(', ');
      throw new GatewayError(503, 'provider_unavailable', `No provider is configured for ${modelId} (needs an API key for: ${names}).`);
    }
    return candidates;
  }
}
